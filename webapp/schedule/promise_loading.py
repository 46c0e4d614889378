"""Write the file's promises into the database, matched by key; staff entries are kept."""

from sqlalchemy import select

from webapp.models import Promise, PromiseActivity, PromiseCommitment, PromiseEntry
from webapp.schedule.promise_file import PromiseData


def _translations(**texts) -> dict:
    out: dict = {}
    for name, text in texts.items():
        for locale, value in (text.other if text else {}).items():
            out.setdefault(locale, {})[name] = value
    return out


def _assign(row, **values) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def load_promises(
    session, promises: list[PromiseData], *, municipality=None, police_area=None, signatories=None
) -> int:
    """Bring one file's promises in line with the database; return how many it has.

    The file is a municipality's (its own promises) or a police area's (promises several of
    its municipalities signed: `signatories` by slug). An activity taken out of the file goes
    unless staff recorded entries for it; so does a promise.
    """
    owner = (
        Promise.municipality_id == municipality.id
        if municipality is not None
        else Promise.police_area_id == police_area.id
    )
    for data in promises:
        promise = session.scalar(select(Promise).where(owner, Promise.key == data.key))
        promise = promise or Promise(
            key=data.key,
            municipality_id=municipality.id if municipality is not None else None,
            police_area_id=police_area.id if police_area is not None else None,
        )
        signed = (
            [municipality] if municipality is not None
            else [signatories[slug] for slug in data.municipalities]
        )  # fmt: skip
        _assign(
            promise,
            municipalities=signed,
            first_day=data.first_day,
            last_day=data.last_day,
            title=data.title.sv,
            summary=data.summary.sv if data.summary else None,
            url=data.url,
            example_data=data.example_data,
            translations=_translations(title=data.title, summary=data.summary),
        )
        session.add(promise)
        session.flush()
        _load_commitments(session, promise, data)
    keys = [p.key for p in promises]
    for gone in session.scalars(select(Promise).where(owner, Promise.key.not_in(keys))):
        used = select(PromiseEntry.id).join(PromiseActivity).where(PromiseActivity.promise == gone)
        if session.scalar(used.limit(1)) is None:
            session.delete(gone)
    return len(promises)


def _load_commitments(session, promise, data):
    commitments = {c.position: c for c in promise.commitments}
    activities = {
        a.key: a
        for a in session.scalars(select(PromiseActivity).where(PromiseActivity.promise == promise))
    }
    position = 0
    for index, item in enumerate(data.commitments):
        row = commitments.pop(index, None) or PromiseCommitment(promise=promise, position=index)
        _assign(row, title=item.text.sv, translations=_translations(title=item.text))
        session.add(row)
        session.flush()
        for activity in item.activities:
            found = activities.pop(activity.key, None)
            found = found or PromiseActivity(promise=promise, key=activity.key)
            _assign(
                found,
                commitment=row,
                position=position,
                owner=activity.owner,
                measure=activity.measure,
                publish=activity.publish,
                target=activity.target,
                target_per=activity.target_per,
                unit=activity.unit,
                title=activity.text.sv,
                translations=_translations(title=activity.text),
            )
            session.add(found)
            position += 1
    session.flush()
    for gone in activities.values():
        if session.scalar(select(PromiseEntry.id).where(PromiseEntry.activity == gone).limit(1)):
            continue
        session.delete(gone)
    session.flush()
    for gone in commitments.values():
        if not gone.activities:
            session.delete(gone)
