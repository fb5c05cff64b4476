"""A stop's photo, served to who may see the stop: its clerk, the division's officer, HQ and IT.

Photos are evidence of a cut or of theft and show people's homes, so they are never public media: this view is
the only way to them. It answers at the photo's MEDIA_URL address (drives/urls.py), so ``stop.photo.url`` leads
here from the admin, the API and the pages. A photo of a stop out of the user's reach, or a name no stop holds,
is a 404, not a 403: the answer does not say whether it exists. No other media (uploaded billing files) is served.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from drives.selectors import stops_visible_to

# drives.photos re-encodes every photo as a JPEG; one kept before that is still sent as one, and with nosniff a
# browser never reads it as the page its uploaded name may have claimed.
CONTENT_TYPE = "image/jpeg"


@require_GET
@login_required
def stop_photo(request, name: str):
    # Index stop_photo: the stop found by its photo's name, within the user's reach.
    stop = get_object_or_404(stops_visible_to(request.user).exclude(photo=""), photo=f"stops/{name}")
    filename = f"stop-{stop.pk}.jpg"  # not the stored name, nor anything the uploader chose
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx sends the file from its internal location (aliasing MEDIA_ROOT) once this view said yes.
        response = HttpResponse(content_type=CONTENT_TYPE)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT + quote(stop.photo.name)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    else:
        try:
            file = stop.photo.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(file, content_type=CONTENT_TYPE, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
