"""A griffe extension for the API reference: endpoint methods shown as a client object has them.

An endpoint is declared as ``def get_x(self: Any, ...) -> Call[Model]`` under ``@endpoint`` or
``@list_endpoint``; at runtime ``client.get_x`` takes the arguments after ``self`` and returns
``APIResponse[Model]`` (see ``integrify.clopos._core.endpoint``). tests/test_site.py checks the rendered
signatures against the runtime ones.
"""

from __future__ import annotations

from typing import Any

import griffe

ENDPOINTS = {"endpoint", "list_endpoint"}


class EndpointSignatures(griffe.Extension):
    def on_function_instance(self, *, func: griffe.Function, **kwargs: Any) -> None:
        decorators = {str(decorator.value) for decorator in func.decorators}
        if not decorators & ENDPOINTS:
            return
        del func.parameters[func.parameters[0].name]  # the client
        returns = func.returns
        if isinstance(returns, griffe.ExprSubscript) and str(returns.left) == "Call":
            func.returns = griffe.ExprSubscript(griffe.ExprName("APIResponse", parent=func.parent), returns.slice)
        if "list_endpoint" in decorators:
            func.labels.add("paged")
