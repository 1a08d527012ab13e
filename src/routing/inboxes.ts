// Resolves the inboxes of the configuration into delivery targets.
import type { BryggaConfig, InboxConfig, ProviderConfig, UnitConfig } from '../config/schema.ts';
import type { PartyRole } from '../canonical/schemas/common.ts';

export type InboxKind =
  | 'central'
  | 'unit'
  | 'caseOfficer'
  | 'coordinator'
  | 'feeAdministrator'
  | 'homeCareTeam'
  | 'sectionLeader'
  | 'fallback';

/** Where one delivery goes: an inbox in one system. */
export interface InboxTarget {
  /** Stable id of the inbox, part of the delivery's idempotency key. */
  inboxId: string;
  kind: InboxKind;
  system: string;
  /**
   * The system's own recipient type, as configured (e.g. Lifecare INKORG), or a canonical party
   * role (`caseOfficer`) that the system's connector maps to its own word.
   */
  addressType: string;
  addressId?: string;
  addressName?: string;
}

function target(inboxId: string, kind: InboxKind, inbox: InboxConfig): InboxTarget {
  return { inboxId, kind, ...inbox };
}

const normalise = (name: string): string => name.toLocaleLowerCase('sv').replace(/\s+/g, ' ').trim();

export class InboxDirectory {
  constructor(private readonly config: BryggaConfig) {}

  provider(providerId?: string): ProviderConfig {
    const providers = this.config.providers;
    return providers.find((p) => p.id === providerId) ?? providers[0]!;
  }

  /** The provider with this id in the configuration, if there is one. */
  configuredProvider(providerId: string | undefined): ProviderConfig | undefined {
    return providerId ? this.config.providers.find((p) => p.id === providerId) : undefined;
  }

  /** The provider that runs a unit with this name (the first desired unit decides). */
  providerOfUnitName(unitName: string | undefined): ProviderConfig {
    const found = unitName ? this.findUnit(unitName) : undefined;
    return found?.provider ?? this.provider();
  }

  findUnit(nameOrId: string): { provider: ProviderConfig; unit: UnitConfig } | undefined {
    const wanted = normalise(nameOrId);
    for (const provider of this.config.providers) {
      const unit = provider.units.find((u) => u.id === nameOrId || normalise(u.name) === wanted);
      if (unit) return { provider, unit };
    }
    return undefined;
  }

  unitById(unitId: string): { provider: ProviderConfig; unit: UnitConfig } | undefined {
    for (const provider of this.config.providers) {
      const unit = provider.units.find((u) => u.id === unitId);
      if (unit) return { provider, unit };
    }
    return undefined;
  }

  central(provider: ProviderConfig): InboxTarget {
    return target(`${provider.id}:central`, 'central', provider.centralInbox);
  }

  coordinator(provider: ProviderConfig): InboxTarget {
    return target(`${provider.id}:coordinator`, 'coordinator', provider.coordinatorInbox);
  }

  unit(unit: UnitConfig): InboxTarget {
    return target(`unit:${unit.id}`, 'unit', unit.inbox);
  }

  /** The case officer is addressed by id in the system the order came from, by role: each connector knows its own word for it. */
  caseOfficer(system: string, caseOfficerId: string): InboxTarget {
    const addressType: PartyRole = 'caseOfficer';
    return { inboxId: `case-officer:${system}:${caseOfficerId}`, kind: 'caseOfficer', system, addressType, addressId: caseOfficerId };
  }

  /**
   * Where an order for a provider outside every system goes (R-ORDER-FAX-FALLBACK): the provider's
   * configured central inbox (a fax or e-mail address), else the fax or e-mail the order names.
   */
  fallback(provider: ProviderConfig, named?: { id: string; fax?: string; email?: string }): InboxTarget {
    if (!named || this.configuredProvider(named.id)) return target(`${provider.id}:fallback`, 'fallback', provider.centralInbox);
    const [addressType, addressId] = named.email ? ['EMAIL', named.email] : ['FAX', named.fax ?? ''];
    return { inboxId: `fallback:${named.id}`, kind: 'fallback', system: 'mail', addressType, ...(addressId ? { addressId } : {}) };
  }

  feeAdministrator(): InboxTarget {
    return target('fee-administrator', 'feeAdministrator', this.config.feeAdministratorInbox);
  }

  sectionLeader(): InboxTarget {
    return target('section-leader', 'sectionLeader', this.config.sectionLeaderInbox);
  }

  /** The case officers' shared inbox (R-MONTHLY-LIST), not one case officer's. */
  caseOfficers(): InboxTarget {
    return target('case-officers', 'caseOfficer', this.config.caseOfficersInbox);
  }

  homeCareTeam(teamName: string): InboxTarget {
    const { system, addressType } = this.config.homeCareTeams;
    return { inboxId: `home-care:${normalise(teamName)}`, kind: 'homeCareTeam', system, addressType, addressName: teamName };
  }
}
