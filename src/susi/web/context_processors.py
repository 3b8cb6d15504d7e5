from django.conf import settings


def site(request):
    return {"SUSI_DEMO_MODE": settings.SUSI_DEMO_MODE}
