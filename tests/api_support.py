"""An in-process HTTP client for the API: httpx over ASGITransport, no server, no sockets."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from catalog import Catalog
from catalog.api import create_app
from catalog.api.settings import ApiSettings


class Api:
    """Blocking calls into the ASGI app, so tests read as plain request/answer pairs."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://catalog.test"
            ) as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def make_api(catalog: Catalog, **settings: Any) -> Api:
    return Api(create_app(catalog, settings=ApiSettings(**settings)))


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The one error shape; fails the test if the body has any other."""
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "message", "parameter", "suggestions"}, error
    assert error["status"] == response.status_code
    assert response.headers["content-type"] == "application/json"
    return error
