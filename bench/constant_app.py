"""The baseline for bench/api.py: a minimal FastAPI app that returns a constant JSON body."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()
BODY = {"status": "ok", "model": "Meta-Llama-3.3-70B-Instruct", "endpoint_type": "llm/v1/chat"}


@app.get("/")
async def constant() -> dict[str, str]:
    return BODY
