"""Images the notes link to travel in the apkg as its media, judged by the real `anki`
library: the files are in Anki's media folder and the field shows them with `<img>`.
Only image files inside the deck's notes go; anything else stays a `[image: name]`."""

from __future__ import annotations

from pathlib import Path

from flashcards.export import export
from flashcards.export.apkg import note_guid

from .support import NOW, card_by_note_guid, import_apkg, open_collection, visible_text

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
GIF = b"GIF89a" + bytes(range(32))


def test_linked_images_go_into_the_package_and_math_as_mathjax(tmp_path, notes, anki_collection):
    (notes.root / "img").mkdir()
    (notes.root / "img" / "cell.png").write_bytes(PNG)
    (notes.root / "pages").mkdir()
    (notes.root / "pages" / "cell.png").write_bytes(GIF)  # another file of the same name
    (tmp_path / "secret.png").write_bytes(b"not for the package")
    notes.write(
        "deck.md",
        "- The **mitochondria** is shown here ![a cell](img/cell.png)\n"
        "- Paris is the capital of **France** ![[img/cell.png|200]]\n"
        "- Energy is **mass** times $c^2$: $E = mc^2$ ![](missing.png)\n"
        "- The **moon** orbits the earth ![](../secret.png)\n",
    )
    notes.write("pages/other.md", "- The **heart** pumps blood ![](cell.png)\n")
    out = tmp_path / "deck.apkg"
    with open_collection(tmp_path / "c.sqlite") as col:
        col.build(notes.root)
        ours = {c.answers[0]: c for c in col.cards()}
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    media = Path(anki.media.dir())
    files = {p.name: p.read_bytes() for p in media.iterdir() if p.is_file()}
    assert files["cell.png"] == PNG
    (other,) = [n for n in files if n != "cell.png"]
    assert other.startswith("cell-") and other.endswith(".png") and files[other] == GIF
    assert b"not for the package" not in b"".join(files.values())

    question = card_by_note_guid(anki, note_guid(ours["mitochondria"])).question()
    assert '<img src="cell.png">' in question
    embed = card_by_note_guid(anki, note_guid(ours["France"])).question()
    assert '<img src="cell.png">' in embed
    heart = card_by_note_guid(anki, note_guid(ours["heart"])).question()
    assert f'<img src="{other}">' in heart
    energy = card_by_note_guid(anki, note_guid(ours["mass"]))
    assert r"\(c^2\)" in energy.question() and r"\(E = mc^2\)" in energy.answer()
    assert "[image: missing.png]" in visible_text(energy.question())
    outside = card_by_note_guid(anki, note_guid(ours["moon"])).question()
    assert "[image: secret.png]" in visible_text(outside) and "<img" not in outside
    assert anki.media.check().missing == []


def test_only_the_fields_with_an_image_look_for_its_file(tmp_path, notes, monkeypatch):
    # four fields a note, 200,000 in a 50,000-card package: the others are asked for an
    # image's placeholder inline, not in a call to the media each
    from flashcards.export import media as media_module

    (notes.root / "cell.png").write_bytes(PNG)
    notes.write("deck.md", "- The **cell** is shown ![a cell](cell.png)\n- The **atom** is not\n")
    looked: list[str] = []
    field = media_module.Media.field

    def counted(self, text, deck, card):
        looked.append(text)
        return field(self, text, deck, card)

    monkeypatch.setattr(media_module.Media, "field", counted)
    with open_collection(tmp_path / "c.sqlite") as col:
        col.build(notes.root)
        export(col, [], "apkg", tmp_path / "deck.apkg", now=NOW)
    assert len(looked) == 1 and media_module.IMAGE_OPEN in looked[0]
