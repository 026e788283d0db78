"""FHIR XML → FHIR JSON tree, following the FHIR XML rules (hl7.org/fhir/R4/xml.html).

fhir.resources can parse XML straight into models, but only valid resources (and only with lxml installed); the
tolerant reader needs the tree of an invalid resource too. So this parses the XML with the standard library,
hardened by defusedxml (no DOCTYPE, so no entity expansion and no external DTD or entity is ever read), walks
the elements, and asks the fhir.resources (R4B) model classes only for what the XML does not say: which elements
repeat (→ JSON arrays) and which primitives are booleans or numbers. Elements the model does not know are kept
(as arrays when repeated) so the reader can report them.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"

#: Default of ``limits.xml-depth``: deepest element nesting read (as libxml2's default); deeper input is refused,
#: not recursed into (the check reads :func:`phenotk.limits.current`).
MAX_DEPTH = DEFAULT_LIMITS.xml_depth


class FhirXmlError(ValueError):
    """XML that cannot be read as FHIR: syntax, a refused DOCTYPE, the wrong root; ``line``/``column`` 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@cache
def _model(name: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(name)
    except (ValueError, AttributeError):
        return None


def _unwrap(ann: Any) -> tuple[bool, Any]:
    """(is list, inner type) of a model field annotation (Optional, Annotated and List peeled off)."""
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
            return is_list, ann


_PRIMITIVE_KINDS: dict[Any, str] = {bool: "bool", int: "int", Decimal: "decimal", float: "decimal"}


@lru_cache(maxsize=4096)
def _field_info(cls: Any, name: str) -> tuple[bool, Any, str]:
    """(is list, model class or None, primitive kind: bool|int|decimal|str|resource|complex) for ``cls.name``."""
    if name in ("extension", "modifierExtension"):
        return True, _model("Extension"), "complex"
    fld = cls.model_fields.get(name) if cls is not None else None
    if fld is None:
        return False, None, "unknown"
    is_list, ann = _unwrap(fld.annotation)
    kind = _PRIMITIVE_KINDS.get(ann)
    if kind is not None:
        return is_list, None, kind
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


# ---------------------------------------------------------------------- narrative (XHTML div) → string
def _escape(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _qname(tag: str, decls: dict[str, str]) -> str:
    """Serialised name of ``{ns}local``: XHTML as the default namespace, others with a declared prefix."""
    ns, name = _local(tag)
    if ns is None or ns == XHTML_NS:
        return name
    if ns == XML_NS:
        return f"xml:{name}"
    prefix = decls.setdefault(ns, f"ns{len(decls)}")
    return f"{prefix}:{name}"


def _xhtml(elem: Element, out: list[str], root: bool = False) -> None:
    """Serialise an XHTML element as markup, the way the narrative ``div`` is kept in FHIR JSON."""
    decls: dict[str, str] = {}
    name = _qname(elem.tag, decls)
    attrs = "".join(f' {_qname(k, decls)}="{_escape(v, attr=True)}"' for k, v in elem.attrib.items())
    xmlns = "".join(f' xmlns:{p}="{_escape(ns, attr=True)}"' for ns, p in decls.items())
    if root:
        xmlns = f' xmlns="{XHTML_NS}"' + xmlns
    if elem.text is None and not len(elem):
        out.append(f"<{name}{xmlns}{attrs}/>")
    else:
        out.append(f"<{name}{xmlns}{attrs}>{_escape(elem.text or '')}")
        for child in elem:
            _xhtml(child, out)
            out.append(_escape(child.tail or ""))
        out.append(f"</{name}>")


# ---------------------------------------------------------------------- elements → JSON
def _value(child: Element, kind: str, sub_cls: Any, depth: int) -> Any:
    if kind == "resource":
        inner = [c for c in child if _local(c.tag)[1]]
        if not inner:
            return {}
        return element_to_json(inner[0], _model(_local(inner[0].tag)[1]), resource=True, depth=depth + 2)
    return element_to_json(child, sub_cls if kind == "complex" else None, depth=depth + 1)


def _put(out: dict[str, Any], key: str, value: Any, is_list: bool) -> None:
    if is_list:
        out.setdefault(key, []).append(value)
    elif key in out:
        prev = out[key]
        out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
    else:
        out[key] = value


def element_to_json(elem: Element, cls: Any, *, resource: bool = False, depth: int = 0) -> dict[str, Any]:
    """JSON object for one FHIR XML element (a resource when ``resource``)."""
    if depth > current_limits().xml_depth:
        raise FhirXmlError(_too_deep())
    out: dict[str, Any] = {}
    if resource:
        out["resourceType"] = _local(elem.tag)[1]
    else:
        for attr in ("id", "url"):
            if attr in elem.attrib:
                out[attr] = elem.attrib[attr]
    for child in elem:
        ns, cname = _local(child.tag)
        if not cname:
            continue  # comments, processing instructions
        if ns == XHTML_NS and cname == "div":
            parts: list[str] = []
            _xhtml(child, parts, root=True)
            out["div"] = "".join(parts)
            continue
        is_list, sub_cls, kind = _field_info(cls, cname)
        simple = kind not in ("complex", "unknown") and not len(child)
        if kind == "resource" or not ("value" in child.attrib or simple):
            _put(out, cname, _value(child, kind, sub_cls, depth), is_list)
            continue
        extra = element_to_json(child, None, depth=depth + 1)  # id and extensions of a primitive → _name
        extra.pop("url", None)
        if extra:
            _put(out, "_" + cname, extra, is_list)
        if "value" in child.attrib:
            _put(out, cname, _primitive(child.attrib["value"], kind), is_list)
    return out


# ---------------------------------------------------------------------- parse
def _parse(data: bytes) -> Element:
    """The root element, parsed by the stdlib parser with defusedxml's guards; ``FhirXmlError`` when refused."""
    from defusedxml import DefusedXmlException, DTDForbidden
    from defusedxml.ElementTree import DefusedXMLParser

    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root: Element = parser.close()
    except DTDForbidden as exc:
        line = _line(parser)
        said = f" {exc.sysid!r}" if exc.sysid else ""
        raise FhirXmlError(
            f"refused: the XML declares a DOCTYPE <!DOCTYPE {exc.name}{said}>; FHIR XML has none, and a DTD can "
            "declare entities that expand without bound or read local files",
            line,
        ) from None
    except DefusedXmlException as exc:  # entities or external references (only reachable without forbid_dtd)
        raise FhirXmlError(f"refused: {exc}", _line(parser)) from None
    except ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(": line ")[0]
        raise FhirXmlError(f"XML syntax error: {reason}", line, col + 1) from None
    return root


def _line(parser: Any) -> int | None:
    expat = getattr(parser, "parser", None)
    line = getattr(expat, "CurrentLineNumber", None)
    return line if isinstance(line, int) else None


def xml_to_json(data: bytes) -> dict[str, Any]:
    """Parse FHIR XML bytes into the FHIR JSON tree. Raises :class:`FhirXmlError` (a ``ValueError``) when refused."""
    root = _parse(data)
    ns, name = _local(root.tag)
    if ns != FHIR_NS:
        raise FhirXmlError(f"root element <{name}> is not in the FHIR namespace {FHIR_NS}", 1)
    try:
        return element_to_json(root, _model(name), resource=True)
    except RecursionError:
        raise FhirXmlError(_too_deep()) from None


def _too_deep() -> str:
    deepest = current_limits().xml_depth
    return f"XML nested deeper than {deepest} elements: exceeds limits.xml-depth = {deepest}; raise it in " \
        "[tool.phenotk.limits]"
