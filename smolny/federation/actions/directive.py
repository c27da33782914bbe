"""Directives: organ keys and their rotation, issuing, countersigning, countermanding, vetoing.

Keys (see :mod:`smolny.directives.signing` for the trust model): the organisation's root key is
made with the first organ key; each organ key is certified by the root for ``[start, end)``.
Rotating ends the old key's window at the rotation (its certificate is re-issued with that
end) and certifies a new one. Private keys are sealed at rest (:mod:`smolny.federation.keys`).

A directive is signed by its issuing organ's key in force when it is issued, and stored as
the self-contained file (``Directive.document``). A countersignature is signed by the
countersigning organ's key and added to the file on export. Countermands and vetoes are acts
of record; whether any of them changes what binds whom is for the authority rules
(:func:`smolny.federation.queries.directive_standings`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext

from smolny.councils.models import Council, Organ, Organisation
from smolny.councils.models.dated import valid_at
from smolny.directives import document as doc
from smolny.directives.signing import (
    certify_key,
    countersign,
    generate_organ_key,
    generate_root_key,
    sign_directive,
)
from smolny.federation import keys
from smolny.federation.bodies import Body, body_ref, organisation_id
from smolny.federation.models import Directive, DirectiveAct, OrganKey, RootKey, VetoGrant
from smolny.federation.queries import signed_directive
from smolny.journal.actions import (
    ActionError,
    Actor,
    NotAllowed,
    action_transaction,
    fresh,
    record,
    require_secretary,
)
from smolny.rules.authority import in_force


def named_organisation(organisation: Organisation) -> doc.Named:
    return doc.Named(str(organisation.pk), organisation.name)


def named_organ(organ: Organ) -> doc.Named:
    return doc.Named(str(organ.pk), organ.name)


def _root(organisation: Organisation, at: datetime) -> tuple[RootKey, bool]:
    """The organisation's root key, made now if it has none."""
    root = RootKey.objects.filter(organisation=organisation).first()
    if root is not None:
        return root, False
    private, public = generate_root_key()
    root = RootKey.objects.create(
        organisation=organisation,
        public_key=public,
        private_sealed=keys.seal(private, doc.key_id(public)),
        created_at=at,
    )
    return root, True


def _root_private(root: RootKey) -> bytes:
    return keys.unseal(root.private_sealed, doc.key_id(bytes(root.public_key)))


def rotate_organ_key(actor: Actor, organ: Organ, *, at: datetime | None = None) -> OrganKey:
    """Give *organ* a new key from *at*, ending the key in force (if any) at *at*."""
    with action_transaction(at) as at:
        organ = fresh(organ)
        organisation = organ.council.organisation
        require_secretary(actor, organisation, at)
        if organ.end is not None and organ.end <= at:
            raise NotAllowed(gettext("%(organ)s has been dissolved") % {"organ": organ.name})
        root, made = _root(organisation, at)
        root_private = _root_private(root)
        old = OrganKey.objects.filter(organ=organ, end=None).first()
        if old is not None:
            if at <= old.start:
                raise NotAllowed(gettext("a key cannot be rotated at or before its own start"))
            closed = certify_key(
                root_private,
                named_organ(organ),
                bytes(old.public_key),
                old.start,
                at,
                organisation_id=str(organisation.pk),
            )
            old.end = at
            old.certificate = keys.certificate_json(closed)
            old.save(update_fields=["end", "certificate"])
        private, public = generate_organ_key()
        certificate = certify_key(
            root_private, named_organ(organ), public, at, organisation_id=str(organisation.pk)
        )
        key = OrganKey.objects.create(
            organ=organ,
            key_id=certificate.key_id,
            public_key=public,
            private_sealed=keys.seal(private, certificate.key_id),
            certificate=keys.certificate_json(certificate),
            start=at,
        )
        record(
            actor,
            "rotate_organ_key",
            {
                "organ": organ.pk,
                "key_id": key.key_id,
                "previous": old.key_id if old else None,
                "root_key_id": doc.key_id(bytes(root.public_key)),
                "root_created": made,
            },
            at=at,
            organisation=organisation,
        )
    return key


def _key_in_force(organ: Organ, at: datetime) -> OrganKey:
    key = OrganKey.objects.filter(valid_at(at), organ=organ).first()
    if key is None:
        raise NotAllowed(
            gettext("%(organ)s has no key in force at %(at)s (rotate one in)")
            % {"organ": organ.name, "at": at.isoformat()}
        )
    return key


def _addressee(body: Body) -> doc.Addressee:
    kind, _, number = body_ref(body).partition(":")
    return doc.Addressee(kind, number, body.name)


def issue_directive(
    actor: Actor,
    organ: Organ,
    text: str,
    addressees: Sequence[Body],
    *,
    domain: str,
    at: datetime | None = None,
) -> Directive:
    """*organ* issues a directive to *addressees* (councils, organs or units) in *domain*,
    signed with its key in force."""
    text, domain = text.strip(), domain.strip()
    if not text:
        raise ActionError(gettext("a directive needs a text"))
    if not domain:
        raise ActionError(gettext("a directive needs a domain (for example political or military)"))
    if not addressees:
        raise ActionError(gettext("a directive needs at least one addressee"))
    with action_transaction(at) as at:
        organ = fresh(organ)
        organisation = organ.council.organisation
        require_secretary(actor, organisation, at)
        if not organ.current_at(at):
            raise NotAllowed(
                gettext("%(organ)s does not sit at %(at)s")
                % {"organ": organ.name, "at": at.isoformat()}
            )
        bodies = [fresh(b) for b in addressees]
        refs = [body_ref(b) for b in bodies]
        if len(set(refs)) != len(refs):
            raise ActionError(gettext("an addressee is named twice"))
        strangers = [str(b) for b in bodies if organisation_id(b) != organisation.pk]
        if strangers:
            raise NotAllowed(
                gettext("not of %(organisation)s: %(names)s")
                % {"organisation": organisation.name, "names": ", ".join(strangers)}
            )
        key = _key_in_force(organ, at)
        directive = Directive.objects.create(
            organisation=organisation,
            issuer=organ,
            issued_at=at,
            domain=domain,
            text=text,
            addressees=refs,
            document="",
        )
        content = doc.Directive(
            id=str(directive.pk),
            organisation=named_organisation(organisation),
            issuer=named_organ(organ),
            issued_at=at,
            domain=domain,
            text=text,
            addressees=tuple(_addressee(b) for b in bodies),
        )
        root = RootKey.objects.get(organisation=organisation)
        signed = sign_directive(
            content,
            keys.unseal(key.private_sealed, key.key_id),
            keys.certificate_from_json(key.certificate),
            doc.RootKey(
                named_organisation(organisation),
                doc.key_id(bytes(root.public_key)),
                bytes(root.public_key),
            ),
        )
        directive.document = doc.dumps(signed)
        directive.save(update_fields=["document"])
        record(
            actor,
            "issue_directive",
            {
                "directive": directive.pk,
                "issuer": organ.pk,
                "domain": domain,
                "addressees": refs,
                "text": text,
                "key_id": key.key_id,
                "digest": doc.directive_digest(content),
            },
            at=at,
            organisation=organisation,
        )
    return directive


def _act_checks(directive: Directive, kind: str, body: str, at: datetime) -> None:
    if at < directive.issued_at:
        raise NotAllowed(gettext("an act on a directive cannot precede its issue"))
    if DirectiveAct.objects.filter(directive=directive, kind=kind, body=body).exists():
        raise NotAllowed(
            gettext("%(body)s has made its %(kind)s of directive %(directive_id)s already")
            % {"body": body, "kind": kind, "directive_id": directive.pk}
        )


def countersign_directive(
    actor: Actor, directive: Directive, organ: Organ, *, at: datetime | None = None
) -> DirectiveAct:
    """*organ* countersigns *directive* with its key in force."""
    with action_transaction(at) as at:
        directive = fresh(directive)
        organ = fresh(organ)
        organisation = directive.organisation
        require_secretary(actor, organisation, at)
        if organ.council.organisation_id != organisation.pk:
            raise NotAllowed(
                gettext("%(organ)s is not of %(organisation)s")
                % {"organ": organ.name, "organisation": organisation.name}
            )
        if organ.pk == directive.issuer_id:
            raise NotAllowed(gettext("an organ does not countersign its own directive"))
        ref = body_ref(organ)
        _act_checks(directive, DirectiveAct.COUNTERSIGNATURE, ref, at)
        key = _key_in_force(organ, at)
        signed = countersign(
            signed_directive(directive),
            keys.unseal(key.private_sealed, key.key_id),
            keys.certificate_from_json(key.certificate),
            at,
        )
        entry = json.loads(doc.dumps(signed))["countersignatures"][-1]
        act = DirectiveAct.objects.create(
            directive=directive, kind=DirectiveAct.COUNTERSIGNATURE, body=ref, at=at, signed=entry
        )
        record(
            actor,
            "countersign_directive",
            {"directive": directive.pk, "organ": organ.pk, "key_id": key.key_id},
            at=at,
            organisation=organisation,
        )
    return act


def countermand_directive(
    actor: Actor,
    directive: Directive,
    body: Council | Organ,
    *,
    note: str = "",
    at: datetime | None = None,
) -> DirectiveAct:
    """*body* countermands (contradicts, or as issuer withdraws) *directive*."""
    with action_transaction(at) as at:
        directive = fresh(directive)
        body = fresh(body)
        organisation = directive.organisation
        require_secretary(actor, organisation, at)
        if organisation_id(body) != organisation.pk:
            raise NotAllowed(
                gettext("%(body)s is not of %(organisation)s")
                % {"body": body, "organisation": organisation.name}
            )
        ref = body_ref(body)
        _act_checks(directive, DirectiveAct.COUNTERMAND, ref, at)
        act = DirectiveAct.objects.create(
            directive=directive, kind=DirectiveAct.COUNTERMAND, body=ref, at=at, note=note[:500]
        )
        record(
            actor,
            "countermand_directive",
            {"directive": directive.pk, "body": ref, "note": note},
            at=at,
            organisation=organisation,
        )
    return act


def veto_directive(
    actor: Actor,
    directive: Directive,
    holder: Council | Organ,
    *,
    note: str = "",
    at: datetime | None = None,
) -> DirectiveAct:
    """*holder* vetoes *directive* under a veto grant in force that covers it."""
    with action_transaction(at) as at:
        directive = fresh(directive)
        holder = fresh(holder)
        organisation = directive.organisation
        require_secretary(actor, organisation, at)
        ref = body_ref(holder)
        issuer = f"organ:{directive.issuer_id}"
        covering = [
            g
            for g in VetoGrant.objects.filter(organisation=organisation, holder=ref)
            if in_force(g.start, g.end, at)
            and (g.issuers is None or issuer in g.issuers)
            and (g.domains is None or directive.domain in g.domains)
        ]
        if not covering:
            raise NotAllowed(
                gettext(
                    "%(holder)s holds no veto over %(domain)s directives of %(issuer)s at %(at)s"
                )
                % {
                    "holder": holder,
                    "domain": directive.domain,
                    "issuer": directive.issuer.name,
                    "at": at.isoformat(),
                }
            )
        _act_checks(directive, DirectiveAct.VETO, ref, at)
        act = DirectiveAct.objects.create(
            directive=directive, kind=DirectiveAct.VETO, body=ref, at=at, note=note[:500]
        )
        record(
            actor,
            "veto_directive",
            {"directive": directive.pk, "holder": ref, "grant": covering[0].pk, "note": note},
            at=at,
            organisation=organisation,
        )
    return act
