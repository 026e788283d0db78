"""XREF002 xref-biosample-individual."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.xref.unknown_subject import _items, _k, known_ids


class XrefBiosampleIndividual(Rule):
    """A biosample's ``individualId`` is not the phenopacket's subject, or ``derivedFromId`` is unknown.

    What it checks
    --------------
    In a phenopacket, ``biosamples[*].individualId`` is expected to equal ``subject.id`` (a **warning**:
    the v2 specification allows isolated biosamples, e.g. a tumour sample or a sample of a relative filed
    with the proband), and ``derivedFromId`` is expected to be the id of another biosample of the same
    phenopacket (a **warning** when it is not: the specification does not require the parent sample to be
    in the packet; an **error** when a biosample is derived from itself).

    Why
    ---
    Samples filed under the wrong individual lead to results reported for the wrong person; a sample of
    another individual is legal, but worth a second look.

    Anti-pattern
    ------------
    ``"subject": {"id": "patient1"}`` … ``"biosamples": [{"id": "s1", "individualId": "patient2"}]``

    Fixed
    -----
    ``"biosamples": [{"id": "s1", "individualId": "patient1"}]``
    """

    code = "XREF002"
    name = "xref-biosample-individual"
    severity = Severity.WARNING
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """Compare biosample links with the subject and the other biosamples (``()`` without biosamples)."""
        pp = node[0]  # node.value (tuple access: hot path)
        if "biosamples" not in pp:  # the snake_case key is the same
            return ()
        return list(self._check(pp))

    def _check(self, pp: dict[str, Any]) -> Iterator[Violation]:
        sid, bios = known_ids(pp)
        for bk, i, bio in _items(pp, "biosamples"):
            ik = _k(bio, "individualId")
            ind = bio.get(ik) if ik else None
            if isinstance(ind, str) and ind and sid is not None and ind != sid:
                yield self.violation(
                    f"biosample {bio.get('id')!r} belongs to individual {ind!r}, but the subject is {sid!r} "
                    "(allowed for isolated biosamples; check it is not filed under the wrong individual)",
                    bk,
                    i,
                    ik,  # type: ignore[arg-type]
                )
            dk = _k(bio, "derivedFromId")
            der = bio.get(dk) if dk else None
            if isinstance(der, str) and der and der == bio.get("id"):
                yield self.violation(
                    f"biosample {der!r} is derived from itself",
                    bk,
                    i,
                    dk,  # type: ignore[arg-type]
                    severity=Severity.ERROR,
                )
            elif isinstance(der, str) and der and der not in bios:
                # the specification does not ask for the parent sample in the same packet (a biobank's stock
                # sample, phenopacket-ingest's "biosample:parent"): a link to check, not a broken document
                yield self.violation(
                    f"biosample {bio.get('id')!r} is derived from {der!r}, which is not a biosample of this "
                    "phenopacket (fine if that sample is described elsewhere)",
                    bk,
                    i,
                    dk,  # type: ignore[arg-type]
                    severity=Severity.WARNING,
                )
