"""Enumerations with the values the Clopos documentation gives."""

from __future__ import annotations

from enum import Enum, IntEnum


class OrderStatus(str, Enum):
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


class CategoryType(str, Enum):
    PRODUCT = "PRODUCT"
    INGREDIENT = "INGREDIENT"
    ACCOUNTING = "ACCOUNTING"


class ProductType(str, Enum):
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
