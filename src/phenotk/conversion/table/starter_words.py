"""Header words for ``mapping init``: which mapping field a header names, in the languages European clinics use.

Headers are compared as *keys*: accents removed, case folded, text in brackets dropped (``Age (years)``,
``Geschlecht (m/w)``), punctuation turned into spaces (``N° patient`` → ``n patient``, ``età d'esordio`` →
``eta d esordio``). Each field has one pattern over those keys, in English, German, French, Spanish, Italian and
Dutch. The first field whose pattern matches the whole key wins (order of :data:`FIELD_PATTERNS`).
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_NON_WORD = re.compile(r"[^0-9a-z?]+")


def header_key(text: str, *, keep_brackets: bool = False) -> str:
    """``"N° Patient (pseudonym)"`` → ``"n patient"``: accents off, lower case, brackets and punctuation dropped."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("ß", "ss")
    if not keep_brackets:
        stripped = _BRACKETS.sub(" ", s)
        s = stripped if len(_NON_WORD.sub("", stripped)) >= 2 else s  # "p.(Arg5*)" is no header "p."
    s = _NON_WORD.sub(" ", s).replace("?", " ")
    return " ".join(s.split())


_ID = (r"(?:id|ids|identifier|identifiant|identificador|identificativo|identificatie|kennung|no|nr|n|num|number|"
       r"numero|nummer|code|codice|codigo|pseudonym|pseudonyme|pseudonimo|key)")
_PERSON = (r"(?:patient|patienten|patients|paciente|pacientes|paziente|pazienti|pat|individual|individuo|individu|"
           r"subject|sujet|sujeto|soggetto|case|cas|caso|casus|fall|proband|probanden|probando|participant|"
           r"participante|partecipante|deelnemer|teilnehmer|sample|record|person|persona|personne|study|studie|"
           r"estudio|studio|etude)")
_OF = r"(?:(?:de|du|des|del|della|di|van|of|der)\s)?(?:(?:la|le|l|el|il|lo|het|de)\s)?"
_AGE = r"(?:age|alter|edad|eta|leeftijd)"
_DIS = (r"(?:disease|diagnosis|disorder|condition|krankheit|erkrankung|diagnose|maladie|diagnostic|pathologie|"
        r"enfermedad|diagnostico|patologia|malattia|diagnosi|ziekte|aandoening|syndrome|syndrom|sindrome|"
        r"syndroom)")
_LAST = r"(?:(?:last|letzter|letzten|dernier|derniere|ultima|ultimo|laatste)\s)?"
_VISIT = (r"(?:encounter|exam|examination|visit|evaluation|follow up|followup|assessment|consultation|contact|"
          r"untersuchung|vorstellung|visite|kontrolle|suivi|examen|consulta|visita|evaluacion|seguimiento|"
          r"controllo|valutazione|bezoek|onderzoek|controle|consult)")

#: (field, pattern over :func:`header_key` keys) in priority order.
FIELD_PATTERNS: list[tuple[str, str]] = [
    ("packet_id", r"(?:pheno)?packet id"),
    ("subject_id",
     rf"{_PERSON}(?: {_ID})?|{_ID} {_OF}{_PERSON}|(?:patienten|patient|probanden|fall|studien|teilnehmer|deelnemer"
     rf"|pati)(?:nummer|nr|id|kennung|code)|id|pseudonym|mrn|record id|study id|subject identifier|"
     r"(?:name )?code|code name|pseudonym code|kurzel|kuerzel|(?:lab|index) (?:no|nr|number|id)|n dossier|dossier"),
    ("pmid", r"pmid|pubmed(?: id)?|references?|citation|referenz|literatur|quelle|referencia|riferimento|"
             r"bibliografia|referentie|literatuur"),
    ("title", r"title|publication|titel|titre|titulo|titolo"),
    ("sex", r"sex|sexe|sexo|sesso|geslacht|geschlecht|gender|genre|genero|genere|sex at birth|biological sex|"
            r"m f|m w|m v|h f|m w d"),
    ("date_of_birth", r"date of birth|dob|birth ?date|date (?:de )?naissance|ddn|geburtsdatum|geb datum|"
                      r"fecha (?:de )?nacimiento|f nac|data (?:di )?nascita|geboortedatum"),
    ("onset",
     r"(?:age (?:at |of )?)?onset|onset age|(?:age at )?(?:disease|symptom) onset|age (?:at|of) first symptoms?|"
     r"erkrankungsalter|manifestationsalter|krankheitsbeginn|erkrankungsbeginn|symptombeginn|beginn|"
     r"alter bei (?:beginn|erkrankungsbeginn|krankheitsbeginn|manifestation|erstmanifestation|erkrankung)|"
     r"age (?:de|du|au|d) ?(?:debut|apparition|survenue)(?: des symptomes)?|debut(?: des symptomes)?|"
     r"age aux premiers symptomes|"
     r"edad (?:de|al|del) (?:inicio|debut|comienzo)(?: de (?:los )?sintomas)?|inicio(?: de (?:los )?sintomas)?|"
     r"eta (?:di|all|d|alla|dell) ?(?:esordio|insorgenza|inizio)|esordio|insorgenza|"
     r"leeftijd (?:bij|van) (?:begin|aanvang|eerste symptomen|debuut)|aanvangsleeftijd|beginleeftijd|debuut"),
    ("age",
     rf"(?:current |actual |aktuelles |huidige )?{_AGE}(?: (?:actuel|actuelle|actual|attuale|aktuell|huidig|now))?|"
     rf"{_AGE} (?:(?:at|bei|au|a|a la|al|all|en la|en el|alla|bij|op) )?(?:the )?{_LAST}{_VISIT}|"
     r"age at (?:last encounter|referral|admission|presentation|sampling)"),
    ("diagnosis_age",
     rf"{_AGE} (?:(?:at|of|bei|au|a la|al|alla|bij) )?(?:the )?(?:diagnosis|diagnose|diagnostic|diagnostico|"
     r"diagnosi)"),
    ("vital_status",
     r"deceased|vital(?: status)?|alive|dead|death|died|alive deceased|status alive|verstorben|vitalstatus|lebend|"
     r"tod|todesfall|deces|decede|decedee|statut vital|vivant|vivant decede|fallecido|fallecida|fallecimiento|"
     r"estado vital|vivo|exitus|deceduto|deceduta|decesso|stato vitale|overleden|vitale status|in leven|levend"),
    ("disease_id",
     rf"{_DIS} (?:id|code|curie|omim|mim|orpha|orphanet|mondo)(?: id)?|(?:id|code|codice|codigo) {_OF}{_DIS}|"
     r"diagnosecode|ziektecode|omim(?: id| nr| number)?"
     r"|mim(?: number)?|mondo(?: id)?|orpha(?:net)?(?: id| code)?|orphacode"),
    ("disease_label",
     rf"{_DIS}(?: (?:label|name|nom|nombre|nome|naam|bezeichnung))?|(?:omim|mondo|orpha) (?:title|name|label)|"
     r"disease diagnosis|"
     rf"(?:nom|nombre|nome|naam) {_OF}{_DIS}|"
     r"(?:final|clinical) diagnosis|klinische diagnose|diagnostic clinique|diagnostico clinico|diagnosi clinica"),
    ("gene_symbol", r"genes?|gene symbol|symbol|gen|gensymbol|gene name|genname|nom du gene|affected gene|"
                    r"causal gene|causative gene|gen afectado|gene coinvolto"),
    ("hgnc_id", r"hgnc(?: ?id)?"),
    ("variant",  # "Gen / Variante", "Gene and variant": a variant cell that names its gene too
     r"(?:gen(?:e|es)? (?:(?:and|und|et|y|e|en) )?)?"
     r"(?:variant|variants|variante|varianten|variation|hgvs|allele|allel|mutation|mutationen|mutacion|mutazione|"
     r"mutatie|genetic variant|genetic mutation|gene mutation|genvariante|variante genetique|variante genetica|"
     r"cdna|c|dna change|cdna change|"
     r"nucleotide(?: change| mutation| variant)?|(?:c)?dna mutation|hgvs c|genetic finding|genetischer befund)"
     r"(?: ?\d)?"),
    ("protein", r"hgvs ?p|protein(?: change| variant| level)?|p|aa change|amino ?acid(?: change| mutation)?|"
                r"proteinanderung|"
                r"proteine|proteina|eiwitverandering"),
    ("zygosity", r"zygosity|zigosity|genotype|allelic state|zygotie|zygositat|zygosite|zigosidad|cigosidad|zigosita|"
                 r"zygositeit|genotyp|genotipo"),
    ("term", r"hpo(?: ?(?:id|term|code))?|(?:hpo )?term(?: ?id)?|phenotype ?id"),
    ("text",
     r"(?:clinical )?(?:phenotypes?|features|symptoms|findings|description|notes on phenotype)|clinical summary|"
     r"(?:other|additional|further) (?:clinical )?(?:findings|features|symptoms|phenotypes?)|weitere befunde|"
     r"weitere symptome|autres signes|autres symptomes|otros hallazgos|otros sintomas|altri reperti|altri sintomi|"
     r"overige bevindingen|overige symptomen|"
     r"symptome|klinik|klinische merkmale|klinische befunde|phanotyp|befunde|klinischer befund|symptomes|"
     r"phenotype clinique|signes cliniques|caracteristiques cliniques|description clinique|sintomas|fenotipo|"
     r"caracteristicas clinicas|hallazgos clinicos|sintomi|caratteristiche cliniche|segni clinici|symptomen|"
     r"fenotype|klinische kenmerken|kliniek"),
    ("status", r"status|present|observed|excluded|vorhanden|present e|presente|aanwezig"),
    ("severity", r"severity|(?:hpo )?severity (?:term|modifier)|schweregrad|auspragung|severite|gravite|gravedad|"
                 r"severidad|gravita|ernst"),
    ("term_label", r"(?:hpo|term) ?(?:label|name)"),
]
COMPILED: list[tuple[str, re.Pattern[str]]] = [(f, re.compile(rf"(?:{p})\Z")) for f, p in FIELD_PATTERNS]

#: Yes/no columns that are about the study or the family, not phenotypes of the patient: never an HPO column
#: unless the curator says so (``Affected`` is even an HPO label, in the past-medical-history branch).
NOT_PHENOTYPE = re.compile(
    r"(?:affected|affection status|affected status|consent|consent given|informed consent|consanguinity|"
    r"consanguineous|parental consanguinity|parents consanguineous|sample sent|samples? received|dna available|"
    r"dna sample|biobank|family history|included|inclusion|exome|genome|panel|sequenced|wes|wgs|index|"
    r"betroffen|einwilligung|einverstandnis|einverstandniserklarung|konsanguinitat|blutsverwandtschaft|"
    r"probe versandt|familienanamnese|atteint|consentement|consanguinite|echantillon envoye|antecedents familiaux|"
    r"afectado|consentimiento|consanguinidad|muestra enviada|antecedentes familiares|affetto|consenso|"
    r"consanguineita|campione inviato|familiarita|aangedaan|toestemming|consanguiniteit|monster verstuurd|"
    r"familieanamnese)(?: .*)?\Z"  # "Consent for research", "Einwilligung Forschung"
)


#: the unit an age header ends with (``Age_mo``, ``Alter in Monaten``, ``Onset age years``): cut before matching
_UNIT_SUFFIX = re.compile(
    r" (?:(?:in|en|em|im|i) )?(?:years?|yrs?|y|jahre?n?|ans?|anos|anni|jaar|jaren|months?|mo|mos|mths?|monate?n?|"
    r"mois|meses|mesi|maanden|weeks?|wks?|wochen|semaines?|semanas|settimane|weken|days?|tage?n?|jours?|dias|"
    r"giorni|dagen)\Z")
#: the fields an age header with its unit can name
_TIME_FIELDS = frozenset({"age", "onset", "diagnosis_age"})


def field_of(header: str) -> str | None:
    """The mapping field a header names (``Geschlecht`` → ``sex``, ``Age_mo`` → ``age``), or None."""
    key = header_key(header)
    for name, rx in COMPILED:
        if rx.match(key):
            return name
    bare = _UNIT_SUFFIX.sub("", key)
    if bare != key:
        for name, rx in COMPILED:
            if name in _TIME_FIELDS and rx.match(bare):
                return name
    return None


def is_not_phenotype(header: str) -> bool:
    """A study/family yes-no column (``Affected``, ``Consent``, ``Konsanguinität``) that is no HPO term."""
    return bool(NOT_PHENOTYPE.match(header_key(header)))
