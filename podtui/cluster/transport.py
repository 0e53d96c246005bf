"""The one call podtui makes into the official client's transport, on both of its generators.

Clients up to 36 are generated from OpenAPI Generator's python-legacy template:
`ApiClient.call_api(path, method, query_params=..., _preload_content=False)` builds the
URL and auth headers, sends, and raises ApiException for a non-2xx answer. Client 37 is
generated from the pydantic template: `param_serialize` builds the URL and auth headers,
`call_api(method, url, ...)` only sends and returns a RESTResponse whatever the status.
Either way the request goes through the client's urllib3 pool with the kubeconfig's TLS
settings and token (an exec plugin's token refreshed by the client's own hook), and the
caller gets the urllib3 response unread, or the client's ApiException.
"""

from __future__ import annotations

from typing import Any


def send(api: Any, method: str, path: str, query: list[tuple[str, Any]],
         headers: dict[str, str], body: Any, timeout: Any):
    if hasattr(api, "param_serialize"):  # client 37+
        return _send_serialized(api, method, path, query, headers, body, timeout)
    return api.call_api(
        path, method, query_params=query, header_params=headers, body=body,
        auth_settings=["BearerToken"], _preload_content=False, _request_timeout=timeout,
        _return_http_data_only=True,
    )


def _send_serialized(api: Any, method: str, path: str, query: list[tuple[str, Any]],
                     headers: dict[str, str], body: Any, timeout: Any):
    method, url, headers, body, _ = api.param_serialize(
        method, path, query_params=query or None, header_params=headers, body=body,
        auth_settings=["BearerToken"])
    response = api.call_api(method, url, header_params=headers, body=body,
                            _request_timeout=timeout)
    if not 200 <= response.status <= 299:
        from kubernetes.client.exceptions import ApiException

        response.read()  # the Status body, for the error's one line
        ApiException.from_response(http_resp=response, body=None, data=None)  # raises
    return response.response
