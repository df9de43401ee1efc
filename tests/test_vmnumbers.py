"""VM numbers render and parse the way the bijlage writes them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from measures.vmnumbers import format_vm_numbers, parse_vm_numbers
from tests.factories import MeasureFactory, VMNumberFactory


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (range(23, 30), "VM 23 t/m 29"),
        ([15, 1], "VM 1, 15"),
        ([8, 9], "VM 8, 9"),
        ([10, 11, 12], "VM 10, 11, 12"),
        ([34, 35, 36, 37], "VM 34 t/m 37"),
        ([43], "VM 43"),
        ([23, 24, 25, 26, 27, 28, 29, 31], "VM 23 t/m 29, 31"),
        ([], ""),
    ],
)
def test_vm_numbers_render_as_the_seed_writes_them(numbers, expected):
    assert format_vm_numbers(numbers) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 t/m 29, 31", [23, 24, 25, 26, 27, 28, 29, 31]),
        ("VM 8, VM 9", [8, 9]),
        ("VM1, 15", [1, 15]),
        ("34-37", [34, 35, 36, 37]),
        ("", []),
    ],
)
def test_vm_numbers_are_parsed_as_people_write_them(text, expected):
    assert parse_vm_numbers(text) == expected


@pytest.mark.parametrize("text", ["abc", "29 t/m 23", "1, x", "0"])
def test_nonsense_vm_numbers_are_refused_with_an_example(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_vm_numbers(text)
    assert "bijvoorbeeld" in str(excinfo.value)


@pytest.mark.django_db
def test_a_vm_number_given_to_a_second_measure_is_refused_by_the_database():
    VMNumberFactory(number=25)
    with pytest.raises(IntegrityError), transaction.atomic():
        VMNumberFactory(number=25, measure=MeasureFactory())


@pytest.mark.django_db
def test_a_vm_number_given_to_a_second_measure_names_the_owner_in_the_error():
    VMNumberFactory(number=25, measure=MeasureFactory(name="Verbeteren informatie"))
    duplicate = VMNumberFactory.build(number=25, measure=MeasureFactory())
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "VM 25 hoort al bij de maatregel 'Verbeteren informatie'" in str(excinfo.value)
