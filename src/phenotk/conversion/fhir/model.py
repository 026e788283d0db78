"""The FHIR R4 model check: a tree against the fhir.resources R4B classes (FHIR 4.3, wire-compatible with R4)."""

from __future__ import annotations

from typing import Any

from phenotk.conversion.fhir import findings as F
from phenotk.issue import Issue, Severity

#: Model errors listed one by one per tree; the rest are counted in one more finding.
MAX_ERRORS = 5


def _pointer(loc: tuple[Any, ...]) -> str:
    return "".join(f"/{p}" for p in loc if not (isinstance(p, str) and p.startswith(("function-", "model_"))))


def validate_fhir(tree: dict[str, Any], *, severity: Severity = Severity.WARNING) -> list[Issue]:
    """Validate a FHIR JSON tree with the fhir.resources R4B models; one finding per error (at most a few)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    rt = tree.get("resourceType")
    try:
        cls = get_fhir_model_class(str(rt))
    except (ValueError, AttributeError, KeyError):
        return [F.INVALID(f"unknown FHIR resourceType {rt!r}", pointer="/resourceType", severity=severity)]
    tree, unknown = _known_entries(tree, get_fhir_model_class, severity)
    try:
        cls.model_validate(tree)
    except KeyError as exc:  # fhir.resources fails this way on e.g. an unknown nested resourceType
        msg = f"FHIR R4 model: cannot check this resource ({type(exc).__name__}: {exc}); read tolerantly anyway"
        return [*unknown, F.INVALID(msg, severity=severity)]
    except ValidationError as exc:
        errors = exc.errors()
        out = list(unknown)
        for err in errors[:MAX_ERRORS]:
            ptr = _pointer(tuple(err.get("loc", ())))
            out.append(
                F.INVALID(
                    f"FHIR R4 model: {ptr or '/'}: {err.get('msg')}; read tolerantly anyway",
                    pointer=ptr,
                    severity=severity,
                )
            )
        if len(errors) > MAX_ERRORS:
            out.append(F.INVALID(f"{len(errors) - MAX_ERRORS} more FHIR model errors not listed", severity=severity))
        return out
    except (ValueError, TypeError) as exc:
        return [*unknown, F.INVALID(f"FHIR R4 model: {exc}", severity=severity)]
    return unknown


#: stands in for an entry of unknown resourceType, so that the rest of the Bundle is checked at the same indexes
_PLACEHOLDER = {"resourceType": "Basic", "code": {"text": "unknown resource"}}


def _known_entries(tree: dict[str, Any], model_class: Any, severity: Severity) -> tuple[dict[str, Any], list[Issue]]:
    """The Bundle with entries of unknown resourceType replaced by a placeholder, and a finding for each.

    fhir.resources stops the whole Bundle with a KeyError on one unknown nested resourceType ('Foo' in an entry),
    so nothing else in it was checked and the finding named no entry.
    """
    entries = tree.get("entry")
    if tree.get("resourceType") != "Bundle" or not isinstance(entries, list):
        return tree, []
    found: list[Issue] = []
    fixed = list(entries)
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict):
            continue
        rt = res.get("resourceType")
        try:
            model_class(str(rt))
            continue
        except (ValueError, AttributeError, KeyError):
            pass
        ptr = f"/entry/{i}/resource/resourceType"
        found.append(F.INVALID(f"unknown FHIR resourceType {rt!r} in entry {i}", pointer=ptr, severity=severity))
        fixed[i] = {**entry, "resource": _PLACEHOLDER}
    if len(found) > MAX_ERRORS:
        more = len(found) - MAX_ERRORS
        found = [*found[:MAX_ERRORS], F.INVALID(f"{more} more entries of unknown resourceType", severity=severity)]
    return ({**tree, "entry": fixed} if found else tree), found
