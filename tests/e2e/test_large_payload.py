"""A 100 MB payload goes into the store and comes back byte for byte: `payload show` trims the
view with a [trimmed] marker giving the full size, `payload download` returns the original
bytes (same SHA-256). Peak memory of both commands is printed (see docs/benchmarks.md)."""
import hashlib
import os
import re
import subprocess

SIZE = 100 * 1024 * 1024

FLOW = """
id: big-files
shapes:
  - id: keep
    filter: { where: [ { field: ok, exists: true } ] }
"""


def max_rss_kb(stderr):
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    assert match, stderr[-2000:]
    return int(match.group(1))


def test_a_100_mb_payload_is_trimmed_in_view_and_downloads_byte_for_byte(skein, tmp_path):
    flow = tmp_path / "big.yaml"
    flow.write_text(FLOW)
    skein.run("flow", "deploy", str(flow))
    # A CSV that compresses only partly (hex of random bytes), just over 100 MB.
    original = tmp_path / "big.csv"
    digest = hashlib.sha256()
    with open(original, "wb") as out:
        row = 0
        while out.tell() < SIZE:
            line = f"{row};{os.urandom(48).hex()};\"a, b\"\r\n".encode()
            out.write(line)
            digest.update(line)
            row += 1
    size = original.stat().st_size

    stored = subprocess.run(["/usr/bin/time", "-v", skein.binary, "run", "big-files", "--payload", str(original),
                             "--content-type", "text/csv", "--queue", "--data-dir", skein.data_dir],
                            capture_output=True, text=True, timeout=600)
    assert stored.returncode == 0, stored.stderr
    assert "queued run 1" in stored.stdout

    shown = skein.run("payload", "show", "1", "input", "--limit", "1000")
    assert shown.stdout.startswith("0;")
    assert f"[trimmed] showing 1000 of {size} bytes" in shown.stdout
    assert f"text/csv, {size} bytes" in shown.stderr

    downloaded = tmp_path / "download.csv"
    fetched = subprocess.run(["/usr/bin/time", "-v", skein.binary, "payload", "download", "1", "input", "-o", str(downloaded),
                              "--data-dir", skein.data_dir], capture_output=True, text=True, timeout=600)
    assert fetched.returncode == 0, fetched.stderr
    assert downloaded.stat().st_size == size
    copy = hashlib.sha256()
    with open(downloaded, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            copy.update(chunk)
    assert copy.hexdigest() == digest.hexdigest()
    print(f"\n100 MB payload ({size} bytes): store peak RSS {max_rss_kb(stored.stderr) // 1024} MB, "
          f"download peak RSS {max_rss_kb(fetched.stderr) // 1024} MB")
