"""/docs: the API reference, rendered from the app's OpenAPI schema on the server (works offline: no
JavaScript or assets from the internet). The raw schema is at /openapi.json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .context import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _schema_text(schema: dict[str, Any], components: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if ref:
        return ref.rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_text(schema.get('items', {}), components)}"
    if "anyOf" in schema:
        return " or ".join(_schema_text(s, components) for s in schema["anyOf"])
    return str(schema.get("type", "object"))


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    components = spec.get("components", {}).get("schemas", {})
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                       "type": _schema_text(p.get("schema", {}), components),
                       "description": p.get("description") or p.get("schema", {}).get("description", "")}
                      for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {})
            body_fields = []
            for media, content in body.items():
                schema = content.get("schema", {})
                if "$ref" in schema:
                    schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
                for name, prop in schema.get("properties", {}).items():
                    body_fields.append({"name": name, "media": media, "type": _schema_text(prop, components),
                                        "required": name in schema.get("required", []),
                                        "description": prop.get("description", "")})
            responses = [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params, "body": body_fields,
                        "responses": responses})
    return ops


@router.get("/docs")
def api_docs(request: Request) -> Any:
    spec = request.app.openapi()
    models = {name: [{"name": k, "type": _schema_text(v, {}), "description": v.get("description", "")}
                     for k, v in s.get("properties", {}).items()]
              for name, s in spec.get("components", {}).get("schemas", {}).items()
              if name in ("AnalysisStatus", "Created", "ErrorInfo", "AthleteOut", "AthleteIn", "Me")}
    return render(request, "docs.html", ops=_operations(spec), models=models, info=spec.get("info", {}))
