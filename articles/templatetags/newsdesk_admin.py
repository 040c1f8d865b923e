"""The admin index dashboard's tag (``templates/admin/index.html``); the numbers and charts are ``articles.admin.dashboard``'s."""

from django import template

from ..admin.dashboard import dashboard
from ..permissions import can_view_unpublished

register = template.Library()


@register.inclusion_tag("admin/newsdesk/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    request = context.get("request")
    if request is None or not can_view_unpublished(request.user):
        return {"show": False}
    return {"show": True, **dashboard()}
