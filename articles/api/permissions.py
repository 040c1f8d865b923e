"""Who may write through the API: the model permissions, as in the admin."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly

from ..permissions import CURATE_PERMISSIONS


class ArticlePermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; ``add_article`` ingests (POST); ``change_article`` plus the editorial permission curates (PATCH).

    PATCH only changes the published flag and quality, which the admin reserves for
    ``articles.change_article_editorial`` (the Editors group has it): the API asks for the same.
    """

    perms_map = {
        **DjangoModelPermissionsOrAnonReadOnly.perms_map,
        "PATCH": list(CURATE_PERMISSIONS),  # permissions.can_curate
    }

    def has_permission(self, request, view):
        if request.method.lower() not in view.http_method_names or not hasattr(view, request.method.lower()):
            return True  # not an action of this address: the view answers 405, whoever asks
        if request.method in SAFE_METHODS:
            return True  # reading needs no permission (perms_map): skip building the view's queryset for nothing
        return super().has_permission(request, view)
