"""Which language a transcript is in, and what that means for cutting it: abbreviations that
never end a sentence ("núm. 34", "Abs. 2", "M. Dupont") and the phrases of procedure that open
a paragraph nobody speaks ("Efectuada a votación…"). Pure; no Django.

English, Galician, Spanish, Portuguese, French and German: the parliaments and courts we import.
Detection counts common function words in a sample; a caller may choose the language instead.
"""

from __future__ import annotations

import re
from collections import Counter

from .units import words

STOPWORDS = {
    "en": words("the and of to is that it you we this in for not are have was with"),
    "gl": words("o a os as e de do da que non é unha un no na co coa polo pola ao máis tamén"),
    "es": words("el la los las y de del que no es una un en con por para al más también se"),
    "pt": words("o a os as e de do da que não é uma um no na com pelo pela ao mais também"),
    "fr": words("le la les et de du des que ne pas est une un en dans pour au plus aussi"),
    "de": words("der die das und ist nicht ein eine zu den von mit sich auch auf für im"),
}
ABBREVIATIONS = {
    "en": words("approx dept govt esp"),  # the segmenter's own rules are English already
    "gl": words("núm nº n.º art arts páx pp sr sra srs sras d dna excmo excma ilmo ilma cap vol"),
    "es": words("núm nº n.º art arts pág págs sr sra srs sras d dña excmo excma ilmo ilma cap vol"),
    "pt": words("n.º nº núm art arts pág sr sra srs sras dr dra exmo exma cap vol"),
    "fr": words("n° no art arts p m mm mme mmes mlle dr me st ste chap vol cf"),
    "de": words("nr abs art s bzw vgl ca dr hr fr prof z.b d.h u.a ziff kap bd"),
}
_PROCEDURE_PHRASES = {
    "en": "question put|the house divided|division|whereupon|the committee adjourned|ayes",
    "gl": "efectuada a votación|resultado da votación|votación|levántase a sesión|"
    "suspéndese a sesión|remata a sesión|ábrese a sesión",
    "es": "efectuada la votación|resultado de la votación|votación|se levanta la sesión|"
    "se suspende la sesión|se abre la sesión",
    "pt": "realizada a votação|resultado da votação|votação|está encerrada a sessão|"
    "a sessão é suspensa",
    "fr": "il est procédé au vote|le scrutin est|la séance est levée|la séance est suspendue|"
    "la séance est ouverte",
    "de": "abstimmung|die sitzung ist|die sitzung wird|beifall|heiterkeit",
}
PROCEDURE = {
    code: re.compile(rf"(?:{phrases})\b", re.IGNORECASE)
    for code, phrases in _PROCEDURE_PHRASES.items()
}
# A vote's result read into the record is procedure wherever it stands: a paragraph inside the
# chair's turn, or a sentence after "Imos votar." on the chair's own line.
VOTE_RESULT = re.compile(
    r"(?:efectuada a votación|resultado da votación|efectuada la votación|resultado de la "
    r"votación|realizada a votação|resultado da votação|il est procédé au vote|le scrutin est|"
    r"the house divided|question put and)\b",
    re.IGNORECASE,
)
# An agenda item the chair's turn holds as a paragraph: "Punto 3. Proposición non de lei …".
AGENDA_ITEM = re.compile(
    r"(?:punto|ponto|point|item|tagesordnungspunkt)\s+(?:n\.?[º°]\s*|núm\.\s*|número\s+)?\d+\b",
    re.IGNORECASE,
)
# Between turns no language needs telling apart: any of them opens a procedure paragraph.
PROCEDURE_ANY = re.compile(rf"(?:{'|'.join(_PROCEDURE_PHRASES.values())})\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, *, sample: int = 20_000) -> str:
    """The language whose function words are most frequent in the text; English if unsure."""
    counts = Counter(word.lower() for word in _WORD.findall(text[:sample]))
    scores = {code: sum(counts[w] for w in stop) for code, stop in STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > scores["en"] else "en"
