from django.urls import path

from notify import api

urlpatterns = [
    path("messages/", api.MessageListApi.as_view(), name="api-messages"),
    path("messages/receipts/", api.ReceiptApi.as_view(), name="api-message-receipts"),
]
