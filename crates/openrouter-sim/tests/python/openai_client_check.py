"""Checks that the official `openai` Python package works against openrouter-sim unchanged.

Usage: OPENROUTER_SIM_KEY=sk-or-v1-... python openai_client_check.py http://127.0.0.1:PORT/api/v1
(the key must be one the emulator's scenario lists).
Exits non-zero (an AssertionError or an exception) on the first failed check.
"""

import json
import math
import os
import sys
import urllib.request
from decimal import Decimal

import openai
from openai import OpenAI

NOTES = """<<<NOTES
[n1] The golden record
The committee had six weeks to choose 116 images. Carl Sagan chaired the committee.
[n2] Launch day
Voyager 2 launched on August 20, 1977. Voyager 1 followed sixteen days later.
NOTES>>>"""

checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1


def tokens(text):
    """The emulator's documented approximation: ceil(utf8 bytes / 4)."""
    return math.ceil(len(text.encode("utf-8")) / 4)


def control(origin, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(origin + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


def messages(task):
    return [
        {"role": "system", "content": f"You are a podcast researcher.\nTASK: {task}\nSPEAKERS: Alex, Sam"},
        {"role": "user", "content": f"Work from these notes.\n{NOTES}"},
    ]


def main(base, api_key):
    origin = base.rsplit("/api/v1", 1)[0]
    # A malformed key is refused with OpenRouter's 401, which the client raises as such.
    try:
        OpenAI(base_url=base, api_key="sk-or-v1-bad", max_retries=0).chat.completions.create(
            model="openai/gpt-6.1-terra", messages=messages("findings"))
        check(False, "a malformed key must be refused")
    except openai.AuthenticationError as e:
        check(e.status_code == 401, f"401 for a malformed key: {e}")
    client = OpenAI(
        base_url=base,
        api_key=api_key,
        max_retries=0,
        default_headers={"HTTP-Referer": "https://castwright.example", "X-Title": "Castwright"},
    )
    costs = []

    # A plain completion, with the raw response for the header.
    raw = client.chat.completions.with_raw_response.create(
        model="openai/gpt-6.1-terra", messages=messages("findings"), max_tokens=400, user="python-check")
    r = raw.parse()
    check(r.id.startswith("gen-"), f"id {r.id}")
    check(raw.headers.get("x-generation-id") == r.id, "X-Generation-Id matches the id")
    check(r.model == "openai/gpt-6.1-terra", f"model {r.model}")
    body = r.to_dict()
    check(body.get("provider") in ("OpenAI", "Azure"), f"provider {body.get('provider')}")
    content = r.choices[0].message.content
    check(content and "[n1]" in content and "[n2]" in content, "findings cite the notes")
    check("TASK" not in content and "podcast researcher" not in content, "no instruction echo")
    check(r.choices[0].finish_reason == "stop", "finish_reason stop")
    u = body["usage"]
    check(u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"], "token totals add up")
    check(u["completion_tokens"] == tokens(content), "completion tokens follow the approximation")
    check(isinstance(u.get("cost"), (int, float)) and u["cost"] > 0, "usage.cost present")
    check("cached_tokens" in u["prompt_tokens_details"], "cached_tokens present")
    check("reasoning_tokens" in u["completion_tokens_details"], "reasoning_tokens present")
    costs.append(Decimal(repr(u["cost"])))

    # A streamed completion: chunk order as on OpenRouter.
    stream = client.chat.completions.create(
        model="anthropic/claude-sonnet-5.5", messages=messages("script"), stream=True,
        stream_options={"include_usage": True}, max_tokens=600)
    chunks = list(stream)
    check(len(chunks) >= 4, f"{len(chunks)} chunks")
    check(len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("gen-"), "one gen- id")
    check(chunks[0].choices[0].delta.role == "assistant", "first chunk carries the role")
    finishes = [i for i, c in enumerate(chunks) if c.choices and c.choices[0].finish_reason]
    check(finishes == [len(chunks) - 2], f"finish_reason only in the last-but-one chunk: {finishes}")
    last = chunks[-1]
    check(last.usage is not None, "usage in the last chunk")
    check(all(c.usage is None for c in chunks[:-1]), "usage only in the last chunk")
    usage = last.to_dict()["usage"]
    check(usage.get("cost", 0) > 0, "stream usage.cost present")
    text = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
    check(text.startswith("## "), "script opens with a segment heading")
    check("Alex: " in text and "Sam: " in text, "script uses the given speakers")
    check(usage["completion_tokens"] == tokens(text), "stream usage matches the text sent")
    costs.append(Decimal(repr(usage["cost"])))

    # JSON schema output parses and follows the schema.
    schema = {"type": "object", "additionalProperties": False, "required": ["score", "fixes"],
              "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 10},
                             "fixes": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}
    r = client.chat.completions.create(
        model="openai/gpt-6-luna", messages=messages("verdict"),
        response_format={"type": "json_schema", "json_schema": {"name": "verdict", "strict": True, "schema": schema}})
    verdict = json.loads(r.choices[0].message.content)
    check(set(verdict) == {"score", "fixes"} and 1 <= verdict["score"] <= 10, f"verdict {verdict}")
    costs.append(Decimal(repr(r.to_dict()["usage"]["cost"])))

    # The catalog through the client's models API.
    ids = [m.id for m in client.models.list()]
    check(len(ids) >= 25 and "mistralai/mistral-small-3.2-24b-instruct" in ids
          and "mistralai/mixtral-8x7b-instruct" not in ids, "models listed")

    # Retired models are answered like unknown ones: the client's BadRequestError.
    try:
        client.chat.completions.create(model="anthropic/claude-instant-1", messages=messages("findings"))
        check(False, "retired model must fail")
    except openai.BadRequestError as e:
        check(e.status_code == 400 and "is not a valid model ID" in str(e), f"400 message: {e}")

    # 429 with retry-after-ms: the client's own retry gets through.
    control(origin, "PUT", "/__sim/scenario", {
        "timing": {"latency_scale": 0},
        "keys": {api_key: {}},
        "faults": [
            {"model": "openai/gpt-6.1-terra", "when": {"attempts": [1]},
             "fault": {"type": "rate_limit", "retry_after_ms": 50}},
            {"model": "openai/gpt-6-luna", "stream": True,
             "fault": {"type": "mid_stream_error", "after_chunks": 2, "code": 502}},
        ],
    })
    retrying = client.with_options(max_retries=2)
    r = retrying.chat.completions.create(model="openai/gpt-6.1-terra", messages=messages("outline"))
    check(r.choices[0].message.content.startswith("1. "), "outline after a retried 429")
    costs.append(Decimal(repr(r.to_dict()["usage"]["cost"])))

    # A mid-stream error chunk is raised by the client, after the first deltas.
    got_text = False
    try:
        for c in client.chat.completions.create(
                model="openai/gpt-6-luna", messages=messages("findings"), stream=True):
            if c.choices and c.choices[0].delta.content:
                got_text = True
        check(False, "mid-stream error must raise")
    except openai.APIError as e:
        check(got_text, "deltas arrived before the error")
        check("Provider returned error" in str(e) or "502" in str(e), f"error surfaced: {e}")

    # What was billed reconciles exactly with the usage the client saw (the errored stream
    # was billed too, for what it sent).
    billing = control(origin, "GET", "/__sim/billing")
    history = billing["history"]
    key = billing["per_key"][api_key]
    check(billing["generations"] == 5, f"{billing['generations']} generations")
    streamed_error = [h for h in history if h["model"] == "openai/gpt-6-luna" and h["streamed"]]
    check(len(streamed_error) == 1, "the errored stream was recorded")
    seen = sum(costs)
    check(Decimal(key["billed"]) - Decimal(streamed_error[0]["cost"]) == seen,
          f"billing reconciles: {key['billed']} vs {seen} + {streamed_error[0]['cost']}")

    print(f"openai {openai.__version__} against openrouter-sim: {checks} checks passed")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.environ.get("OPENROUTER_SIM_KEY"):
        sys.exit("usage: OPENROUTER_SIM_KEY=sk-or-v1-... openai_client_check.py BASE_URL")
    main(sys.argv[1], os.environ["OPENROUTER_SIM_KEY"])
