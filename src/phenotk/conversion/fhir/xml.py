"""FHIR XML → FHIR JSON tree, following the FHIR XML rules (hl7.org/fhir/R4/xml.html).

fhir.resources can parse XML straight into models, but only valid resources; the tolerant reader needs the tree
of an invalid resource too. So this walks the XML with lxml and asks the fhir.resources (R4B) model classes only
for what the XML does not say: which elements repeat (→ JSON arrays) and which primitives are booleans or numbers.
Elements the model does not know are kept (as arrays when repeated) so the reader can report them.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@cache
def _model(name: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(name)
    except (ValueError, AttributeError):
        return None


@lru_cache(maxsize=4096)
def _field_info(cls: Any, name: str) -> tuple[bool, Any, str]:
    """(is list, model class or None, primitive kind: bool|int|decimal|str|resource|complex) for ``cls.name``."""
    if name in ("extension", "modifierExtension"):
        return True, _model("Extension"), "complex"
    if cls is None:
        return False, None, "unknown"
    fld = cls.model_fields.get(name)
    if fld is None:
        return False, None, "unknown"
    ann = fld.annotation
    is_list = False
    while True:
        origin = typing.get_origin(ann)
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if origin in (list, typing.List):  # noqa: UP006
            is_list = True
            ann = args[0]
        elif origin is typing.Annotated or (args and origin is not None):
            ann = args[0]
        else:
            break
    if ann is bool:
        return is_list, None, "bool"
    if ann is int:
        return is_list, None, "int"
    if ann in (Decimal, float):
        return is_list, None, "decimal"
    getter = getattr(ann, "get_model_klass", None)
    if getter is not None:
        if getattr(ann, "__name__", "") == "ResourceType":
            return is_list, None, "resource"
        return is_list, getter(), "complex"
    return is_list, None, "str"


def _local(tag: Any) -> tuple[str | None, str]:
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _primitive(value: str, kind: str) -> Any:
    if kind == "bool":
        return value == "true" if value in ("true", "false") else value
    if kind in ("int", "decimal"):
        try:
            return int(value) if kind == "int" or value.lstrip("-").isdigit() else float(value)
        except ValueError:
            return value
    return value


def element_to_json(elem: Any, cls: Any, *, resource: bool = False) -> dict[str, Any]:
    """JSON object for one FHIR XML element (a resource when ``resource``)."""
    from lxml import etree

    out: dict[str, Any] = {}
    _, name = _local(elem.tag)
    if resource:
        out["resourceType"] = name
    for attr in ("id", "url"):
        if attr in elem.attrib and not resource:
            out[attr] = elem.attrib[attr]
    for child in elem:
        ns, cname = _local(child.tag)
        if not cname:
            continue  # comments, processing instructions
        if ns == XHTML_NS and cname == "div":
            out["div"] = etree.tostring(child, encoding="unicode", with_tail=False)
            continue
        is_list, sub_cls, kind = _field_info(cls, cname)
        if kind == "resource":
            inner = [c for c in child if _local(c.tag)[1]]
            value: Any = element_to_json(inner[0], _model(_local(inner[0].tag)[1]), resource=True) if inner else {}
        elif "value" in child.attrib or (kind not in ("complex", "unknown") and not len(child)):
            value = _primitive(child.attrib.get("value", ""), kind)
            extra = element_to_json(child, None)
            extra.pop("url", None)
            if extra:
                key = "_" + cname
                if is_list:
                    out.setdefault(key, []).append(extra)
                else:
                    out[key] = extra
            if "value" not in child.attrib:
                continue
        else:
            value = element_to_json(child, sub_cls if kind == "complex" else None)
        if is_list:
            out.setdefault(cname, []).append(value)
        elif cname in out:
            prev = out[cname]
            out[cname] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[cname] = value
    return out


def xml_to_json(data: bytes) -> dict[str, Any]:
    """Parse FHIR XML bytes into the FHIR JSON tree. Raises ``ValueError`` with line info on bad XML."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ValueError(f"XML syntax error{f' at line {line}' if line else ''}: {exc.msg}") from None
    ns, name = _local(root.tag)
    if ns != FHIR_NS:
        raise ValueError(f"root element <{name}> is not in the FHIR namespace {FHIR_NS}")
    return element_to_json(root, _model(name), resource=True)
