#!/usr/bin/env bash
# Makes the note fixtures the engine's tests read, with real tools: LibreOffice converts the
# hand-written sources in crates/engine/tests/fixtures/notes/ to DOCX and PDF (plus a long
# multi-page PDF and a password-protected PDF) into target/note-fixtures/. Installs
# LibreOffice Writer and poppler-utils when missing. Fast when the fixtures are up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=crates/engine/tests/fixtures/notes
OUT="${CARGO_TARGET_DIR:-$PWD/target}/note-fixtures"
mkdir -p "$OUT"

# Up to date when neither this script nor the sources changed since the last run.
stamp="$OUT/.stamp"
want=$(cat "$0" "$SRC"/research.html | sha256sum | cut -d' ' -f1)
outputs=(research.docx research.pdf long.pdf long.docx encrypted.pdf)
complete=1
for f in "${outputs[@]}"; do [ -s "$OUT/$f" ] || complete=0; done
if [ "$complete" = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "note fixtures are up to date in $OUT"
  exit 0
fi

need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "Missing: ${need[*]} — install LibreOffice Writer and poppler-utils, then run this again." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "==> installing ${need[*]}"
  $SUDO apt-get update -qq
  # Older releases have no -nogui package; the full Writer does the same job.
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
    need=("${need[@]/libreoffice-writer-nogui/libreoffice-writer}")
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

# A private LibreOffice profile: no clash with a LibreOffice the developer has open.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lo() {
  soffice "-env:UserInstallation=file://$work/profile" --headless --norestore "$@" >"$work/lo.log" 2>&1 || {
    cat "$work/lo.log" >&2
    return 1
  }
}

# Research notes with headings and a list: Word keeps them as Heading 1/2 styles.
cp "$SRC/research.html" "$work/research.html"
lo --infilter="HTML (StarWriter)" --convert-to 'docx:MS Word 2007 XML' --outdir "$OUT" "$work/research.html"
lo --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$OUT" "$work/research.html"

# A long note: several pages of numbered paragraphs.
{
  echo "Long research log"
  echo
  for i in $(seq 1 120); do
    echo "Entry $i. The committee met again to weigh images, greetings and music for the record; entry $i closes with a note to check the archive."
    echo
  done
} >"$work/long.txt"
lo --convert-to pdf:writer_pdf_Export --outdir "$OUT" "$work/long.txt"
lo --convert-to 'docx:MS Word 2007 XML' --outdir "$OUT" "$work/long.txt"

# The same research, protected with a password.
mkdir -p "$work/enc"
lo --infilter="HTML (StarWriter)" \
  --convert-to 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}' \
  --outdir "$work/enc" "$work/research.html"
mv "$work/enc/research.pdf" "$OUT/encrypted.pdf"

for f in "${outputs[@]}"; do
  [ -s "$OUT/$f" ] || { echo "LibreOffice did not make $f" >&2; exit 1; }
done
echo "$want" >"$stamp"
echo "note fixtures made in $OUT"
