"""Findings of the PED converter, both directions: stable codes, stable names, one doc page each.

Reader findings (PED → ``Family``) carry the PED line as ``line`` and ``context.row`` (a PED file has no JSON
document to point into); writer findings (``Family`` → PED) point into the Family (``/pedigree/persons/2``).
The ``pedigree-*`` consistency findings come from :func:`~phenotk.conversion.ped.pedigree.check_pedigree`, which
both directions run. Codes and names are public: reports, ``--ignore`` and ``phenotk explain`` use them.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

COLUMN_COUNT = FindingType(
    "PED001",
    "ped-column-count",
    Severity.ERROR,
    "A PED line with fewer than the six columns family, individual, father, mother, sex, phenotype.",
    """\
What it means: a non-comment line of the PED file has fewer than six whitespace-separated fields, so it cannot
be read as a person. The line is skipped; the finding gives its number and (in ``context.text``) its text.

Why: guessing which column is missing would invent a pedigree the file does not state.

Example: ``FAM1  child  father  mother  1`` (the phenotype column is missing).

What to do: complete the line (``0`` is the PED code for "unknown" in every column but the ids), or delete it
if it is not a person.""",
    group="ped",
)

BAD_CODE = FindingType(
    "PED002",
    "ped-bad-code",
    Severity.WARNING,
    "A sex or phenotype code that is not a PED code (read as unknown / MISSING, or by its word).",
    """\
What it means: the sex column is not ``1`` (male), ``2`` (female) or ``0`` (unknown), or the phenotype column is
not ``2`` (affected), ``1`` (unaffected) or ``0``/``-9`` (missing). A sex word such as ``male``, ``F`` or
``other`` and a phenotype word ``affected`` / ``unaffected`` / ``unknown`` are read by their meaning (info);
anything else becomes UNKNOWN_SEX or MISSING and the text is kept in the finding. One number outside the codes
makes the phenotype column quantitative (PLINK's rule): then its ``0``, ``1`` and ``2`` are trait values too, read
as MISSING, each with this finding.

Why: a quantitative PLINK trait or a typo has no ``AffectedStatus``; reading it as affected or unaffected would
invent a phenotype.

Example: ``FAM1  child  father  mother  3  2`` (sex 3), or a phenotype column holding ``27.4``.

What to do: write the PED code; keep quantitative traits in a phenopacket measurement instead of the PED
phenotype column.""",
    group="ped",
)

DUPLICATE_ID = FindingType(
    "PED003",
    "pedigree-duplicate-id",
    Severity.ERROR,
    "A pedigree person without an individual id, or an id listed twice in one family.",
    """\
What it means: two persons of the same family have the same individual id (or one has none), so parents and
linked phenopackets cannot be told apart. The finding names the first place the id was seen.

Why: a pedigree is a graph keyed by individual id; a duplicate makes every edge to it ambiguous.

Example: ``FAM1 child1 0 0 1 2`` on line 3 and again ``FAM1 child1 0 0 2 1`` on line 7.

What to do: give each person of the family a distinct id, or delete the repeated line.""",
    group="ped",
)

UNKNOWN_PARENT = FindingType(
    "PED004",
    "pedigree-unknown-parent",
    Severity.WARNING,
    "A father or mother id that is not a person of the same family.",
    """\
What it means: a person names a parent who has no line (or pedigree entry) in the same family. The message says
when the id is a person of another family in the same file.

Why: tools that walk the pedigree (segregation, inheritance checks) cannot reach a parent that is not listed;
a parent filed under another family id is usually a mistyped family column.

Example: ``FAM1 child dad mum 1 2`` where ``dad`` appears only as ``FAM2 dad 0 0 1 1``.

What to do: add the parent as a person of the family (``0 0`` for unknown grandparents), fix the family id, or
write ``0`` for an unknown parent.""",
    group="ped",
)

CYCLE = FindingType(
    "PED005",
    "pedigree-cycle",
    Severity.ERROR,
    "A person who is their own parent or ancestor.",
    """\
What it means: following father/mother ids leads back to the person: either directly (own father or mother) or
through an ancestry loop, which the message spells out (``a → b → a``).

Why: a cycle is impossible in a real pedigree and makes pedigree-walking tools loop or fail.

Example: ``F1 a b 0 1 2`` and ``F1 b a 0 1 1`` (a is b's father and b is a's father).

What to do: correct the parent ids (usually a swapped individual / parent column).""",
    group="ped",
)

ROLE_CONFLICT = FindingType(
    "PED006",
    "pedigree-role-conflict",
    Severity.ERROR,
    "A person who is both father and mother, or a parent whose sex contradicts the parental role.",
    """\
What it means: the same id is named as father and as mother (of one child or of two), or a father is recorded
as FEMALE (a mother as MALE). Role clashes are errors; a sex that contradicts the role is a warning (it may be a
sex-recording choice).

Why: father and mother columns encode sex-specific inheritance; a contradiction makes the pedigree unusable for
X-linked or imprinting analyses.

Example: ``F1 child p p 1 2`` (p is both parents), or ``F1 p 0 0 2 1`` with ``p`` in a father column.

What to do: fix the parent columns or the parent's sex column.""",
    group="ped",
)

LINK = FindingType(
    "PED008",
    "ped-link",
    Severity.WARNING,
    "A phenopacket given with -O phenopackets=… that disagrees with the PED file, or that could not be linked.",
    """\
What it means: with ``-O phenopackets=PATH[,PATH…]`` the reader links each phenopacket to the PED person with the
same ``subject.id``. The finding says when the PED sex and the phenopacket's ``subject.sex`` differ (warning), when
a document is not a phenopacket with a subject id, or when phenopackets match no PED individual (info).

Why: a linked phenopacket becomes the proband or a relative of the Family; a mismatch usually means the wrong
file or a mistyped id, and an unlinked file is data that is not in any Family.

Example: ``child.json`` with ``subject.sex: FEMALE`` linked to ``FAM1 child dad mum 1 2`` (PED sex male).

What to do: correct whichever side is wrong; give the phenopackets whose ids match the PED individuals.

This finding was also emitted as PED011 before the codes were catalogued; PED011 still resolves to it.""",
    group="ped",
    aliases=("PED011",),
)

HEADER = FindingType(
    "PED009",
    "ped-header",
    Severity.INFO,
    "The first line names the columns (FID IID …) and is skipped as a header.",
    """\
What it means: the first data line does not look like a person (its words are column names such as ``FID``,
``IID``, ``father``, ``sex``), so it was read as a header and skipped.

Why: the PED format has no header; some tools write one anyway. Saying so shows that no person was lost.

Example: ``FID IID PAT MAT SEX PHENOTYPE`` as the first line.

What to do: nothing. Start the line with ``#`` to make it a comment that no tool reads as data.""",
    group="ped",
)

EXTRA_COLUMNS = FindingType(
    "PED010",
    "ped-extra-columns",
    Severity.INFO,
    "Lines with more than six columns (PLINK genotypes, or columns a header names); columns 7+ are not carried.",
    """\
What it means: some lines have more than the six PED columns, typically PLINK ``.ped`` genotype pairs. Only the
six pedigree columns are read; the finding counts the lines and names the extra columns when a header line
(``#family_id … ancestry``) names them (peddy / slivar write sample metrics there). Values of such named columns
(at most 50) are kept in ``context.value`` by line and individual (``--report FILE``); genotypes are not copied.

Why: a Phenopacket ``Pedigree`` has no place for genotypes or sample metrics; the report says they were left
behind.

Example: ``FAM1 child dad mum 1 2 A G C C …``.

What to do: nothing if you only need the pedigree. Keep genotypes in VCF next to the phenopackets.""",
    group="ped",
)

PROBAND = FindingType(
    "PED012",
    "ped-proband",
    Severity.INFO,
    "Which person became the Family proband (PED has no proband column).",
    """\
What it means: a Phenopacket ``Family`` needs a proband, and PED does not say who it is. Without
``-O proband=ID`` the reader takes the first affected person (else the first person) and says so (info). When
the id given with ``-O proband=`` is not in a family, the first affected person is used (warning).

Why: the proband choice changes what the Family means; it must not be made silently.

Example: a trio in which the child is the only affected person becomes a Family with the child as proband.

What to do: nothing if the choice is right; otherwise pass ``-O proband=ID``.""",
    group="ped",
)

NEEDS_FAMILY = FindingType(
    "PED013",
    "ped-needs-family",
    Severity.ERROR,
    "A Phenopacket or Cohort given to the PED writer: only Family documents have a pedigree.",
    """\
What it means: ``--to ped`` writes ``Family.pedigree``; a Phenopacket or Cohort document has no pedigree, so it
was skipped.

Why: writing a one-line pedigree for a single phenopacket would invent family structure the input did not state.

Example: ``phenotk convert patient.json --to ped -o family.ped`` with a Phenopacket as input.

What to do: convert Family documents, or make a Family with a pedigree first.""",
    group="ped",
)

UNWRITABLE_ID = FindingType(
    "PED014",
    "ped-unwritable-id",
    Severity.ERROR,
    "An id PED cannot hold as it is (whitespace, a missing-value code, a leading '#', or no id); written changed.",
    """\
What it means: PED fields are separated by whitespace, ``0``/``-9``/``.`` mean "missing" and a line starting with
``#`` is a comment, so an id containing whitespace, equal to such a code or (family id) starting with ``#`` would
be read back as something else. It is written changed (``_`` for whitespace, a leading ``_``), and the message
gives both forms. A person whose family has no id at all is written under ``unknown_family``.

Why: writing the id unchanged would corrupt the file; changing it silently would break links to other data.

Example: individual id ``II 3`` written as ``II_3``; family id ``#12`` written as ``_#12``.

What to do: use ids without whitespace (and not ``0``) in the phenopacket pedigree, or accept the written form.""",
    group="ped",
)

EMPTY_PEDIGREE = FindingType(
    "PED015",
    "ped-empty-pedigree",
    Severity.WARNING,
    "A Family without pedigree persons: nothing is written for it.",
    """\
What it means: the Family document has no ``pedigree.persons``, so it has no PED lines.

Why: PED holds only the pedigree; a family without one would disappear from the output without a trace.

Example: a Family with a proband and relatives but an empty ``pedigree``.

What to do: add the pedigree to the Family, or keep the Family in JSON.""",
    group="ped",
)

SEX_OTHER = FindingType(
    "PED016",
    "ped-sex-other",
    Severity.WARNING,
    "A pedigree person with sex OTHER_SEX, which has no PED code; written as 0 (unknown).",
    """\
What it means: PED sex codes are 1 (male), 2 (female) and 0 (unknown); ``OTHER_SEX`` is written as ``0`` and comes
back as UNKNOWN_SEX.

Why: the round trip loses the distinction between "other" and "unknown"; the report says for whom.

Example: a pedigree person with ``sex: OTHER_SEX``.

What to do: nothing if the loss is acceptable; keep the Family in JSON when it matters.""",
    group="ped",
)

FAMILY_NOT_CARRIED = FindingType(
    "PED017",
    "ped-family-not-carried",
    Severity.INFO,
    "Parts of a Family that PED cannot hold (proband, relatives, metaData, files, consanguinousParents).",
    """\
What it means: PED holds only the pedigree; the Family's proband and relative phenopackets, metaData, files and
``consanguinousParents`` flag are not written. The message lists what was left out.

Why: the report shows exactly what a PED round trip loses.

Example: any Family with a proband phenopacket written with ``--to ped``.

What to do: nothing if you only need the pedigree; keep the Family JSON next to the PED file otherwise (the
reader links phenopackets back with ``-O phenopackets=…``).""",
    group="ped",
)

NOTHING_WRITTEN = FindingType(
    "PED018",
    "ped-nothing-written",
    Severity.ERROR,
    "No pedigree person to write: the PED file was not created.",
    """\
What it means: none of the inputs had a pedigree person to write (no Family documents, or only empty
pedigrees), so no output file was made.

Why: an empty PED file would look like a successful conversion.

Example: ``--to ped`` with only Phenopacket documents as input.

What to do: give Family documents with a pedigree.""",
    group="ped",
)

CONSANGUINITY = FindingType(
    "PED019",
    "ped-consanguinity",
    Severity.INFO,
    "The proband's parents share ancestors in the pedigree: consanguinousParents is set to true.",
    """\
What it means: PED has no consanguinity column, but its parent columns can show it: the proband's father and
mother descend from the same person (a cousin marriage, a consanguinity loop). The Family then gets
``consanguinousParents: true``; the message names the parents and their common ancestors.

Why: the phenopacket field is required; writing ``false`` (its default) would contradict the pedigree the file
states.

Example: ``F c1 a sa 1 1`` and ``F c2 sb b 2 1`` where ``a`` and ``b`` are children of ``gf`` and ``gm``, and
``F kid c1 c2 1 2`` is the proband.

What to do: nothing if the pedigree is right; check the parent columns otherwise.""",
    group="ped",
)

FINDINGS: tuple[FindingType, ...] = (
    COLUMN_COUNT,
    BAD_CODE,
    DUPLICATE_ID,
    UNKNOWN_PARENT,
    CYCLE,
    ROLE_CONFLICT,
    LINK,
    HEADER,
    EXTRA_COLUMNS,
    PROBAND,
    NEEDS_FAMILY,
    UNWRITABLE_ID,
    EMPTY_PEDIGREE,
    SEX_OTHER,
    FAMILY_NOT_CARRIED,
    NOTHING_WRITTEN,
    CONSANGUINITY,
)
