"""Typed sync/async client for the Clopos POS Open API.

>>> from integrify.clopos import CloposClient          # the ready sync object (alias of CloposRequest)
>>> CloposClient.get_receipts(date_from="2026-01-01")  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from ._core.call import APIResponse, DryRequest, RateLimit
from ._core.tokens import SavedToken
from .client import (
    CloposAsyncClient,
    CloposAsyncRequest,
    CloposClientClass,
    CloposDryClient,
    CloposRequest,
    CloposSyncClient,
)
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CloposConfigError,
    CloposError,
    CloposValidationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReceiptConflictError,
    ResponseDecodeError,
    ResponseTooLargeError,
    UnsupportedOperationError,
)
from .schemas.common.types import UNSET

#: The documentation's examples import ``CloposClient``: it is the ready sync object.
CloposClient = CloposRequest

#: This distribution's version (read from its metadata on first use); 0.2.0 or later is this project.
__version__: str

if not TYPE_CHECKING:

    def __getattr__(name):
        if name == "__version__":
            from importlib.metadata import version

            return version("integrify-clopos")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "UNSET",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CloposAsyncClient",
    "CloposAsyncRequest",
    "CloposClient",
    "CloposClientClass",
    "CloposConfigError",
    "CloposDryClient",
    "CloposError",
    "CloposRequest",
    "CloposSyncClient",
    "CloposValidationError",
    "ConflictError",
    "DryRequest",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "ReceiptConflictError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "SavedToken",
    "UnsupportedOperationError",
]
