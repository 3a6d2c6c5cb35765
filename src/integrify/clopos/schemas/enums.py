"""Enumerations with the values the Clopos documentation gives."""

from __future__ import annotations

from enum import Enum, IntEnum


class StrEnum(str, Enum):
    """A string enum that prints as its value."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class OrderStatus(StrEnum):
    """Order lifecycle states and receipt ``order_status`` values (one enum, as documented)."""

    NEW = "NEW"
    SCHEDULED = "SCHEDULED"
    IN_PROGRESS = "IN_PROGRESS"
    PENDING = "PENDING"
    READY = "READY"
    PICKED_UP = "PICKED_UP"
    CONFIRMED = "CONFIRMED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    RECEIVED = "RECEIVED"
    IGNORE = "IGNORE"
    DELIVERED = "DELIVERED"


#: The states of an order (``GET /orders?status=``).
ORDER_LIFECYCLE = frozenset({"PENDING", "RECEIVED", "IGNORE", "DELIVERED"})
#: The values of a receipt's ``order_status`` (PUT/PATCH receipts).
RECEIPT_ORDER_STATUSES = frozenset({"NEW", "SCHEDULED", "IN_PROGRESS", "READY", "PICKED_UP", "COMPLETED", "CANCELLED"})


class DiscountType(IntEnum):
    NONE = 0
    PERCENTAGE = 1
    FIXED = 2


class CategoryType(StrEnum):
    PRODUCT = "PRODUCT"
    INGREDIENT = "INGREDIENT"
    ACCOUNTING = "ACCOUNTING"


class ProductType(StrEnum):
    GOODS = "GOODS"
    DISH = "DISH"
    TIMER = "TIMER"
    PREPARATION = "PREPARATION"
    INGREDIENT = "INGREDIENT"
    MODIFICATION = "MODIFICATION"
    MODIFIER = "MODIFIER"


class Gender(IntEnum):
    MALE = 1
    FEMALE = 2


class ReceiptStatus(IntEnum):
    OPEN = 1
    CLOSED = 2


class InventoryBehavior(IntEnum):
    MINUS_INGREDIENTS = 0
    MINUS_SELF = 1
    PASSIVE = 3


class SortOrder(IntEnum):
    ASC = 1
    DESC = -1


class StationStatus(IntEnum):
    INACTIVE = 0
    ACTIVE = 1
