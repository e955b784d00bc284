from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from kesu.accounts.services import user_set_language


@require_POST
def set_language(request):
    """Django's set_language, plus remembering the choice on the signed-in user's profile."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return django_set_language(request)
