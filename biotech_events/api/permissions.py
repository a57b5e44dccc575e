from rest_framework.permissions import BasePermission


class CanMerge(BasePermission):
    """Merging changes the survivor and deletes the duplicates: it takes both permissions."""

    message = "Merging needs the change and delete permissions of this kind of record."

    def has_permission(self, request, view):
        opts = view.queryset.model._meta
        return request.user.is_authenticated and request.user.has_perms(
            [f"{opts.app_label}.change_{opts.model_name}", f"{opts.app_label}.delete_{opts.model_name}"]
        )
