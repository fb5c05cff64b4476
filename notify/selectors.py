"""Reads of messages, always for the user who asks (a consumer's division: DESIGN.md, scoping)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from accounts.selectors import division_scope
from arrears.models import Consumer
from notify.models import Message, MessageStatus


def messages_visible_to(user: User) -> QuerySet[Message]:
    return division_scope(Message.objects.select_related("consumer"), user, field="consumer__division")


def messages_of(*, user: User, consumer: Consumer) -> QuerySet[Message]:
    """The consumer's delivery trail, newest first (message_consumer_created)."""
    return messages_visible_to(user).filter(consumer=consumer).order_by("-created_at", "-id")


def phone_verified_at(*, consumer: Consumer):
    """When a message to the consumer's present number was last delivered (None: not verified). A number is
    verified by a delivery receipt, not by being typed into the billing system."""
    if not consumer.phone:
        return None
    return (Message.objects.filter(consumer=consumer, phone=consumer.phone, status=MessageStatus.DELIVERED)
            .order_by("-delivered_at").values_list("delivered_at", flat=True).first())


def verified_phone_exists():
    """An expression for a consumer queryset: the consumer's present number had a message delivered."""
    return Exists(Message.objects.filter(consumer=OuterRef("pk"), phone=OuterRef("phone"),
                                         status=MessageStatus.DELIVERED))
