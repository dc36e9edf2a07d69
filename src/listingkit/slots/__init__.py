"""Listing slots (上架时间卡位): when in the week each product should go live.

Demand per weekday × hour comes from the platform's rule file (``[schedule].profile``:
the shape its source reports, as ordered levels scored by a listingkit convention)
or from the store's own 生意参谋 hourly traffic export (real numbers). Competitors'
listing or delisting times give a crowding count per slot. The readers live in
:mod:`listingkit.slots.profile`. All times are Asia/Shanghai, whatever the
machine's zone.
"""
