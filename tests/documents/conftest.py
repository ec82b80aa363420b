"""The rectification fixtures (a home with findings, draft and issued notices) and the referral
fixtures (a referral maker) for the layout tests."""

from tests.rectification.conftest import draft, issued, private_root, site  # noqa: F401
from tests.referrals.conftest import home, make_referral, partners  # noqa: F401
