"""The floor for the read benchmark: the least a FastAPI server can do to answer a FHIR read.

It reads the current-version document of a ResearchStudy by `_id` with the same driver
(PyMongo's AsyncMongoClient, same client options) from the same database as fhirtrial, and returns
the stored resource (`res`) serialized with orjson. No FHIR logic: no format negotiation, no
deleted check, no ETag.

Two routes answer the same read: `/ResearchStudy/{rid}` is the usual FastAPI path operation
(parameter parsing through FastAPI's dependency machinery); `/raw/ResearchStudy/{rid}` is a plain
Starlette route, as fhirtrial's own routes are, and so is the stricter floor.

Run by bench/rest.py as `uvicorn floor_app:create_app --factory --app-dir bench` with
BENCH_MONGODB_URL and BENCH_DATABASE set.
"""

import contextlib
import os
from collections.abc import AsyncIterator

import orjson
from fastapi import FastAPI
from fastapi.responses import Response
from pymongo import AsyncMongoClient
from starlette.requests import Request


def create_app() -> FastAPI:
    client = AsyncMongoClient(os.environ["BENCH_MONGODB_URL"], tz_aware=True)
    current = client[os.environ["BENCH_DATABASE"]]["ResearchStudy"]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await client.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    async def stored(rid: str) -> Response:
        doc = await current.find_one({"_id": rid})
        if doc is None:
            return Response(status_code=404)
        return Response(orjson.dumps(doc["res"]), media_type="application/fhir+json")

    @app.get("/ResearchStudy/{rid}")
    async def read(rid: str) -> Response:
        return await stored(rid)

    async def raw_read(request: Request) -> Response:
        return await stored(request.path_params["rid"])

    app.router.add_route("/raw/ResearchStudy/{rid}", raw_read, methods=["GET"])
    return app
