#!/usr/bin/env python3
# Writes seed corpora for the fuzz targets from the shared Moneysocket vectors.
# Usage: make-corpora.py VECTORS_DIR OUT_DIR STAMP
import json
import os
import sys


def load(vectors, name):
    path = os.path.join(vectors, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        return json.load(f).get('vectors', [])


def write(out, target, index, data):
    d = os.path.join(out, 'corpus-' + target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(d, '%04d' % index), 'wb') as f:
        f.write(data)


def main():
    vectors, out, stamp = sys.argv[1:4]
    n = 0
    for v in load(vectors, 'beacon_encode_decode.json') + load(vectors, 'beacon_decode_errors.json'):
        n += 1
        write(out, 'beacon', n, v['beacon'])
    for name in ('bolt11/bolt11_valid.json', 'bolt11/bolt11_invalid.json'):
        for v in load(vectors, name):
            n += 1
            write(out, 'bolt11', n, v['invoice'])
    for name in ('messages_v0.json', 'opinion_demo.json', 'message_validation.json', 'wad.json'):
        for v in load(vectors, name):
            text = v.get('json') or v.get('text')
            if text:
                n += 1
                write(out, 'json', n, text)
                write(out, 'frame', n, text)
            if v.get('wire_hex'):
                n += 1
                write(out, 'frame', n, bytes.fromhex(v['wire_hex']))
    for v in load(vectors, 'session_transcript.json'):
        if v.get('payload_hex'):
            n += 1
            write(out, 'frame', n, bytes.fromhex(v['payload_hex']))
    with open(stamp, 'w') as f:
        f.write('%d\n' % n)


main()
