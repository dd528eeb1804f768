#!/usr/bin/env python3
"""Writes small hand-made seed inputs into fuzz/corpus/<harness>/ (seed-*), for a fresh start
of fuzz/run. Generated here from the formats' descriptions, never copied from real data."""
import gzip, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))

def put(name, key, data):
    d = os.path.join(here, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + key), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

B = "----b7"
mp = (f"--{B}\r\nContent-Disposition: form-data; name=\"sample_set_id\"\r\n\r\n12\r\n"
      f"--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r\\\"1;.fq\"\r\n"
      f"Content-Type: application/octet-stream\r\n\r\n@r1\nACGT\n+\nIIII\n\r\n--{B}--\r\n")
put("multipart_stream", "two-parts", b"\x05\x00" + f"{B}\n{mp}".encode())
put("multipart_stream", "fields", b"\xff\x03" + f"{B}\n{mp}".encode())
put("multipart_stream", "preamble", b"\x01\x02" + f"x\nhello\r\n--x  \r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--x--".encode())

for k, v in {"object": {"samples": {"info": ["é", None]}, "clones": [{"id": "ACGT", "tag": 3}], "x": 1.5e300},
             "list": [1, -2, 3.25, True, None, "a\u0000b"], "nested": [[[[{"a": [[]]}]]]]}.items():
    put("params_json", k, json.dumps(v, ensure_ascii=False))
put("params_json", "nan", '{"a": NaN, "b": -Infinity}')

put("cookies_headers", "session", 'session_id_vidjil="12:abc"; a=b; ;=x; a=c\n'
    'form-data; name="file"; filename="a;b\\".fa"; boundary=xyz\nhttps://client.example\n'
    'https://evil.example/x?y\ncross-site\nserver.example:443')
put("cookies_headers", "same", "x=1\nmultipart/form-data; boundary=\"q\"\n\n\nsame-origin\nlocalhost")

vidjil = {"vidjil_json_version": "2016b", "samples": {"number": 2, "original_names": ["a.fa", "b.fa"]},
          "reads": {"total": [100, 200], "segmented": [90, 180], "germline": {"TRG": [50, 60], "IGH": [40, 120]}},
          "clones": [{"id": "CCCGGG", "germline": "TRG", "reads": [10, 20], "top": 1, "seg": {"5": {"name": "TRGV5*01"}}},
                     {"id": "AAATTT", "germline": "IGH", "reads": [0, "5"], "top": 2}]}
put("vidjil_import", "plain", json.dumps(vidjil))
put("vidjil_import", "gzip", gzip.compress(json.dumps(vidjil).encode(), mtime=0))
put("vidjil_import", "old", '{"vidjil_json_version": "2014.10", "reads": {"total": [1]}, "samples": {}, "clones": null}')

cols = ["sequence_id", "sequence", "rev_comp", "productive", "v_call", "d_call", "j_call", "junction",
        "junction_aa", "duplicate_count", "v_sequence_end", "j_sequence_start", "cdr3_start", "cdr3_end", "warnings"]
rows = [["c1", "ACGTACGTAC", "F", "T", "Homsap IGHV3-74*01 F, or Homsap IGHV3-74*02 F", "IGHD2-2*01",
         "IGHJ4*02", "TGTGCG", "CA", "12", "4", "7", "2", "9", "W69,W20"],
        ["c2", "TTTT", "T", "F", "TRGV2*02,TRGV3*01", "", "TRGJ1*01", "", "", "", "", "", "", "", ""]]
put("airr_import", "igblast", "\t".join(cols) + "\n" + "\n".join("\t".join(r) for r in rows) + "\n")
put("airr_import", "minimal", "sequence_id\tsequence\tv_call\tj_call\nx\tAC\tIGKV1*01\tIGKJ1*01\r\n")

put("markdown", "news", "# Maintenance\n\n**Saturday** the server _stops_ at 8:00. See <https://vidjil.org> "
    "and [the doc](doc/index.html \"title\").\n\n| a | b |\n|:-|-:|\n| 1 | ~~2~~ |\n\n- [x] done\n\n```js\nx\n```\n")
put("markdown", "hostile", "<script>alert(1)</script>\n[x](javascript:alert(1)) ![i](data:image/png;base64,AA)"
    " <img src=x onerror=alert(1)> [y](  JaVaScRiPt:x) www.example.com\n\n<div onclick=\"x\">z</div>\n")

dump = ("-- MySQL dump 10.13\n/*M!999999\\- enable the sandbox mode */\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8 */;\n"
        "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
        "LOCK TABLES `auth_user` WRITE;\n/*!40000 ALTER TABLE `auth_user` DISABLE KEYS */;\n"
        "INSERT INTO `auth_user` (`id`, `email`, `password`, `first_name`) VALUES "
        "(1,'a@b.fr','pbkdf2(1000,20,sha512)$ab$cd','Zo\\'\\\"\\n\\0\\Z\\\\ ë'),(2,NULL,0x41FF,_binary 'x'),"
        "(3,'it''s',-1.5e3,X'00');\n"
        "/*!40000 ALTER TABLE `auth_user` ENABLE KEYS */;\nUNLOCK TABLES;\n"
        "INSERT INTO tag (id, name) VALUES (1,'MRD');\nSET SQL_MODE=@OLD_SQL_MODE;\n-- Dump completed\n")
put("sql_dump", "mysqldump", dump)
put("sql_dump", "refused", "INSERT INTO `tag` (`id`,`name`) VALUES (1, LOAD_FILE('/etc/passwd'));\n")

import io, tarfile
def _tar(members, fmt=tarfile.USTAR_FORMAT, compress=False):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for name, data, link in members:
            i = tarfile.TarInfo(name)
            if link is not None:
                i.type, i.linkname = tarfile.SYMTYPE, link
                t.addfile(i)
            else:
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))
    return gzip.compress(b.getvalue(), mtime=0) if compress else b.getvalue()
put("backup_tar", "plain", _tar([("database.sql", b"INSERT INTO x VALUES (1);\n", None),
                                 ("results/a.vidjil", b"{}", None), ("sequences/l", b"", "/mnt/x"),
                                 ("MANIFEST.sha256", b"# vidjil-server backup\n", None)]))
put("backup_tar", "pax-long", _tar([("results/" + "n" * 150, b"x" * 600, None), ("s/" + "l" * 120, b"", "/" + "t" * 130)],
                                   fmt=tarfile.PAX_FORMAT))
put("backup_tar", "gzip", _tar([("results/b", b"hello", None)], compress=True))
