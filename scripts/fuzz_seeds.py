#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets (fuzz/fuzz_targets/) from the test fixtures.

usage: fuzz_seeds.py FIXTURES_DIR OUT_DIR [MORE.gguf ...]  (more models for their chat templates)
  gguf_reader/         each fixture model's first 64 KiB (header and some tensor data) and the
                       smallest whole model, behind a chunk-size knob byte
  tokenizer_metadata/  small vocabularies in the target's input layout
  chat_template/       the fixture models' own chat templates with a few messages
"""
import os
import struct
import sys

fixtures, out, more = sys.argv[1], sys.argv[2], sys.argv[3:]
models = os.path.join(fixtures, "models")


def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def chat_template(path):
    """The tokenizer.chat_template string of a GGUF file, found by its key."""
    with open(path, "rb") as f:
        data = f.read(8 << 20)
    key = b"tokenizer.chat_template"
    at = data.find(struct.pack("<Q", len(key)) + key)
    if at < 0:
        return None
    at += 8 + len(key)
    (ty,) = struct.unpack_from("<I", data, at)
    if ty != 8:  # GGUF string
        return None
    (n,) = struct.unpack_from("<Q", data, at + 4)
    return data[at + 12 : at + 12 + n]


files = sorted(f for f in os.listdir(models) if f.endswith(".gguf"))
for i, name in enumerate(files):
    with open(os.path.join(models, name), "rb") as f:
        head = f.read(64 << 10)
    write("gguf_reader", name + ".head", bytes([i * 37 % 256]) + head)
smallest = min(files, key=lambda f: os.path.getsize(os.path.join(models, f)))
with open(os.path.join(models, smallest), "rb") as f:
    write("gguf_reader", smallest, bytes([0x80 | 63]) + f.read())

vocabs = {
    "bytes": [chr(c) for c in range(33, 127)] + ["Ġ", "Ġt", "he", "Ġthe", "<|im_start|>", "<|im_end|>"],
    "pieces": ["<unk>", "<s>", "</s>", "<0x0A>", "<0xE4>", "▁", "▁a", "▁the", "hello", "你", "好", "😀"],
}
for kind, (name, tokens) in enumerate(vocabs.items()):
    for model in range(2):
        knobs = bytes([model, kind, 1, 2])
        body = "\0".join(tokens) + "\0\0" + "Hello the world 你好 😀 <|im_start|>user\n\xff"
        write("tokenizer_metadata", f"{name}-{model}", knobs + body.encode("utf-8", "surrogateescape"))

messages = "\0You are helpful.\0What is the capital of France?\0Paris.\0And of Japan?"
seen = set()
for path in [os.path.join(models, f) for f in files] + more:
    if not os.path.exists(path):
        continue
    t = chat_template(path)
    if t and t not in seen:
        seen.add(t)
        write("chat_template", f"template-{len(seen)}", t + messages.encode())
# Shapes of other families' templates: header markers, turn markers, role checks, system merging.
write("chat_template", "headers", (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n"
    "{{ m.content | trim }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}").encode() + messages.encode())
write("chat_template", "turns", (
    "{% if messages[0].role == 'system' %}{% set first = messages[0].content + '\n\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set first = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}{% if (m.role == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('roles must alternate') }}{% endif %}<start_of_turn>"
    "{{ 'model' if m.role == 'assistant' else m.role }}\n{{ (first if loop.first else '') + m.content }}"
    "<end_of_turn>\n{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}").encode() + messages.encode())
write("chat_template", "loop", b"{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}" + messages.encode())
write("chat_template", "raise", b"{{ raise_exception('no system role') }}" + messages.encode())
print(f"seeds in {out}: {', '.join(sorted(os.listdir(out)))}")
