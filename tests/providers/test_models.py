"""A provider's domain has one spelling however it is entered: the importer's, in the admin too."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from providers.models import Provider


def provider_form(**changes) -> dict:
    return {
        "name": "Bücher",
        "domain": "bücher.example",
        "slug": "buecher",
        "logo_url": "",
        "logo_width": "",
        "logo_height": "",
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["WWW.Bücher.example", "https://bücher.example/", "XN--BCHER-KVA.example"])
def test_a_domain_is_cleaned_to_the_form_the_importer_stores(typed):
    provider = Provider(name="Bücher", domain=typed, slug="buecher")
    provider.full_clean()

    assert provider.domain == "xn--bcher-kva.example"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["not a domain", "xn--zz.example", "bü\u202echer.example"])
def test_a_domain_that_is_no_host_name_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        Provider(name="X", domain=typed, slug="x").full_clean()

    assert "is not a valid domain" in refused.value.message_dict["domain"][0]


@pytest.mark.django_db
def test_the_admin_stores_the_ascii_domain_and_refuses_a_second_spelling_of_one(admin_client):
    response = admin_client.post(reverse("admin:providers_provider_add"), provider_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Provider.objects.get().domain == "xn--bcher-kva.example"

    response = admin_client.post(
        reverse("admin:providers_provider_add"), provider_form(domain="xn--bcher-kva.example", slug="other")
    )

    assert response.status_code == 200
    assert "domain" in response.context["adminform"].form.errors
    assert Provider.objects.count() == 1
