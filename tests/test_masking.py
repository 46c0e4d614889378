"""A masked copy is the original with spans replaced by MASK: nothing added, nothing else cut."""

import pytest

from webapp.masking import MASK, only_masks_removed, suggest_mask

ORIGINAL = "Jag tycker inte att polisen är bra"


@pytest.mark.parametrize(
    "masked",
    [
        "polisen är bra",  # the start dropped: says the opposite
        "Jag tycker inte",  # the end dropped
        "tycker inte att polisen är",  # both ends dropped
        f"{MASK}{ORIGINAL}",  # a mask that stands for nothing
        f"{ORIGINAL}{MASK}",
        f"Jag tycker {MASK}inte att polisen är bra",
        "Jag tycker inte att polisen är bra!",
        "",
    ],
)
def test_a_masked_copy_may_not_drop_or_add_unmarked_text(masked):
    assert only_masks_removed(ORIGINAL, masked) is False


@pytest.mark.parametrize(
    "masked",
    [
        ORIGINAL,
        MASK,
        f"{MASK} polisen är bra",
        f"Jag tycker {MASK}",
        f"Jag tycker {MASK} polisen är bra",
        f"Jag {MASK}{MASK} bra",
        f"{MASK} inte {MASK} är {MASK}",
        f"Jag tycker{MASK}inte att polisen är bra",
    ],
)
def test_a_masked_copy_may_replace_spans_anywhere(masked):
    assert only_masks_removed(ORIGINAL, masked) is True


def test_every_single_span_replaced_is_accepted():
    accepted = {
        (start, end)
        for start in range(len(ORIGINAL))
        for end in range(start + 1, len(ORIGINAL) + 1)
        if only_masks_removed(ORIGINAL, ORIGINAL[:start] + MASK + ORIGINAL[end:])
    }

    assert len(accepted) == len(ORIGINAL) * (len(ORIGINAL) + 1) // 2


def test_nothing_can_be_masked_in_an_empty_comment():
    assert (only_masks_removed("", MASK), only_masks_removed("", "")) == (False, True)


@pytest.mark.parametrize(
    "written",
    [
        "+46 (0)70-1234567",
        "070.123.45.67",
        "070 / 123 45 67",
        "0382/15000",
        "(0382) 150 00",
        "070-123 45 67",
        "+46701234567",
        "０７０－１２３ ４５ ６７",  # full-width digits and dash
        "850101 - 1234",
        "850101-1234",
        "19850101 1234",
        "anna@localhost",
        "anna.andersson+polis@kommun.example.se",
        '"anna andersson"@example.se',
    ],
)
def test_the_forms_people_write_are_masked(written):
    assert suggest_mask(f"Ring {written} i dag") == f"Ring {MASK} i dag"


@pytest.mark.parametrize(
    "kept",
    [
        "Inställt 09.30-11.00 på grund av utbildning",
        "Flyttat till 01.12.2026",
        "Kl. 13.00–14.30 vid torget",
        "Ring 112 vid nödläge, annars 114 14",
        "Ärende 2026-12-01, 12345 personer",
    ],
)
def test_times_dates_and_short_numbers_are_left_alone(kept):
    assert suggest_mask(kept) == kept
