"""Lead-in labels in the languages notes are written in: `**Note:**`, `**Важно:**`.

A bold lead-in with a colon that says "note", "important" or "pay attention" is
a label for the paragraph after it, whatever the language: `**Note on flashcards:**`,
`**Anmerkung zu Lernkarten:**`, `**フラッシュカードに関する注意:**`. The label word
opens such a lead-in (most languages) or closes it (Japanese, Korean, Hindi, Turkish,
Urdu put it last). `flashcards.notes.junk` asks `is_note_label`.
"""

from __future__ import annotations

import re

# "note", "remark", "important", "attention", "please note", by language; lower case
_NOTE_WORDS = {
    # af, nl, de, fr, es, it, pt, pl, id, tr, uz, vi, kk (Latin)
    "let op", "let wel", "let asseblief op", "belangrik", "nota", "opmerking", "belangrijk",
    "noot", "anmerkung", "bemerkung", "hinweis", "wichtig", "achtung", "notiz", "remarque",
    "importante", "atención", "atencion", "observación", "observação",
    "atenção", "nota bene", "attenzione", "uwaga", "ważne", "notatka", "catatan", "penting",
    "perhatian", "önemli", "dikkat", "eslatma", "eslatmalar", "muhim", "diqqat",
    "lưu ý", "chú ý", "ghi chú", "quan trọng", "nazar awdarıñız", "eskertpe", "mañızdı",
    # bg, ru, uk, kk (Cyrillic)
    "бележка", "внимание", "важно", "моля обърнете внимание", "обърнете внимание",
    "заметка", "примечание", "обратите внимание", "зверніть увагу", "увага", "примітка",
    "нотатки", "нотатка", "важливо", "назар аударыңыз", "ескертпе", "маңызды",
    # el, he, ar, fa, ur
    "σημείωση", "σημείωσε", "προσοχή", "σημαντικό", "הערה", "חשוב", "ملاحظة", "تنبيه",
    "مهم", "توجه", "نکته", "نوٹ", "اہم", "توجہ",
    # hi, mr, th, km, ko
    "ध्यान दें", "कृपया ध्यान दें", "नोट", "महत्वपूर्ण", "लक्षात घ्या", "टीप", "หมายเหตุ",
    "สำคัญ", "참고", "참고사항", "주의", "중요",
}  # fmt: skip
# Turkish `not` closes a label (`**Flashcardlarla ilgili not:**`); opening one it is English
_LAST_WORDS = {"not"}
# English labels are `flashcards.notes.junk`'s own (`attention` opens "attention mechanism")
# Scripts written without spaces between words: there a label word is a prefix or suffix
_UNSPACED_WORDS = ("注意", "注", "重要", "提示", "笔记", "備考", "メモ", "កំណត់ចំណាំ", "សំខាន់")
# A lead-in this long is a sentence, not a label
_MAX_WORDS = 8
_COLONS = re.compile(r"[:：៖ៈ]\s*$")


def is_note_label(bare: str) -> bool:
    """Whether `bare` (a colon-ended bold, case folded, its colon dropped) is a note's
    label: a note word opens or closes it (`note on flashcards`, `flashcard에 대한 참고사항`),
    or a word of one-word article before it (`یک نکته درباره …`, "a note about")."""
    bare = _COLONS.sub("", bare).strip()
    words = bare.split()
    if not words or len(words) > _MAX_WORDS:
        return False
    if len(words) > 1 and words[-1] in _LAST_WORDS:
        return True
    for size in (1, 2, 3, 4):
        if " ".join(words[:size]) in _NOTE_WORDS or " ".join(words[-size:]) in _NOTE_WORDS:
            return True
    if len(words) > 2 and words[1] in _NOTE_WORDS:  # "a note on …", "one remark about …"
        return True
    return bare.startswith(_UNSPACED_WORDS) or bare.endswith(_UNSPACED_WORDS)
