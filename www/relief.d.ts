// relief-widget: the host page's API and the events it receives. Served beside relief.js in www/dist/.
// Amounts are whole numbers in the currency's minor unit (pence, cents; yen have none, dinars three).
// See docs/CONTRACT.md and docs/CONFIG.md.

export type Frustration = 'delivery_cost' | 'paying_all_at_once' | 'returns' | 'cant_find' | 'confusing' | 'other';
export type Kind =
  | 'payment_terms' | 'deposit' | 'free_return_postage' | 'bonus_goods' | 'discount' | 'callback' | 'human_help';

export interface CartItem {
  id: string;
  name: string;
  /** Price of one, in minor units. */
  price: number;
  /** Default 1. */
  qty?: number;
}

export interface Cart {
  /** What the visitor would pay now, in minor units (delivery included if your total includes it). */
  total: number;
  /** ISO 4217, e.g. "GBP". */
  currency: string;
  items?: CartItem[];
}

/** Fields every event has. */
export interface ReliefEventBase {
  /** 32 lowercase hex characters; a collector drops repeats by it. */
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** location.pathname when it happened. */
  page: string;
}

export interface SignalTrigger {
  detector: string;
  reason: string;
}

export interface ReadyEvent extends ReliefEventBase { type: 'ready'; version: string }
export interface OpenEvent extends ReliefEventBase { type: 'open'; trigger: 'launcher' | 'api' | SignalTrigger }
export interface AnswerEvent extends ReliefEventBase {
  type: 'answer';
  /** What picked the relief: the visitor's choice, or what their own words were read as. */
  frustration: Frustration;
  /** "Something else" in the visitor's words, personal details replaced by [email], [iban], [phone], [card], [number]. */
  text?: string;
  /** What the on-device text understanding made of `text`, and how sure it was (0..=100). */
  category?: string;
  confidence?: number;
  /** Set when a nudge opened the dialog. */
  trigger?: SignalTrigger;
}
export interface OfferEvent extends ReliefEventBase {
  type: 'offer';
  frustration: Frustration;
  /** Ids of the offers shown, best first (at most 3). Sent again when the cart or page changes what is shown. */
  offers: string[];
}
export interface AcceptEvent extends ReliefEventBase { type: 'accept'; frustration: Frustration; offer: AcceptedOffer }
export interface DismissEvent extends ReliefEventBase {
  type: 'dismiss';
  stage: 'asking' | 'listening' | 'understanding' | 'clarifying' | 'offering' | 'contact' | 'code' | 'nudge';
  reason?: 'closed' | 'no_thanks';
  /** With stage "nudge": the detector whose nudge was waved away. */
  detector?: string;
}
/** A nudge was shown beside the launcher. */
export interface NudgeEvent extends ReliefEventBase { type: 'nudge'; detector: string; reason: string }
export interface ConfigProblem {
  /** Where, as "offers[2].instalments". */
  path: string;
  reason: string;
}
export type ErrorEvent = ReliefEventBase & { type: 'error' } & ({ problems: ConfigProblem[] } | { reason: string });

export interface ReliefEventMap {
  ready: ReadyEvent;
  open: OpenEvent;
  answer: AnswerEvent;
  offer: OfferEvent;
  accept: AcceptEvent;
  dismiss: DismissEvent;
  nudge: NudgeEvent;
  error: ErrorEvent;
}
export type ReliefEventType = keyof ReliefEventMap;
export type ReliefEvent = ReliefEventMap[ReliefEventType];

/** The offer as written in the config: the fields every kind has (and `currency`, below). */
interface OfferBase {
  id: string;
  answers?: Frustration[];
  min_total?: number;
  max_total?: number;
  pages?: string[];
  visitors?: 'any' | 'first_time' | 'returning';
  priority?: number;
}

/** Offers without amounts: `currency` as configured. */
interface WithoutAmounts extends OfferBase {
  currency?: string;
}

/** Added to offers with amounts: what they were computed on. */
interface ComputedOn {
  /** The cart's currency at accept time. */
  currency: string;
  /** The cart's total at accept time; if the cart changes afterwards, recompute. */
  total: number;
}

export interface PaymentTermsOffer extends OfferBase, ComputedOn {
  kind: 'payment_terms';
  instalments: number;
  interval?: 'weekly' | 'fortnightly' | 'monthly';
  /** A fixed fee in minor units, included in `payable`. */
  fee?: number;
  /** APR in basis points (1990 is 19.9%); the interest is included in `payable`. */
  apr?: number;
  /** Each payment, the first today; adds up exactly to `payable` (the odd minor units on the first). */
  plan: number[];
  /** What the visitor pays in all: total plus fee or interest. */
  payable: number;
  /** payable − total. */
  cost: number;
}

export interface DepositOffer extends OfferBase, ComputedOn {
  kind: 'deposit';
  percent?: number;
  amount?: number;
  min_amount?: number;
  rest_when?: 'on_delivery' | 'later';
  /** Paid now; deposit + rest = total. */
  deposit: number;
  rest: number;
}

export interface FreeReturnPostageOffer extends WithoutAmounts {
  kind: 'free_return_postage';
  /** A prepaid label by email, or a QR code for a drop-off point. Default "label". */
  method?: 'label' | 'qr';
}

export interface BonusGoodsOffer extends WithoutAmounts {
  kind: 'bonus_goods';
  percent: number;
  /** The product ids it applies to, as configured; absent: everything. */
  products?: string[];
  /** The ids of the cart items it applies to at accept time. */
  applies_to: string[];
}

export interface DiscountOffer extends OfferBase, Partial<ComputedOn> {
  kind: 'discount';
  percent?: number;
  amount?: number;
  /** The code to apply: as configured, or the single-use one fetched from `code_url`. */
  code: string;
  code_url?: string;
  /** Minor units off the total (present when a cart was set). */
  saving?: number;
}

export interface CallbackOffer extends WithoutAmounts {
  kind: 'callback';
  /** A phone number or an e-mail address, as the visitor gave it. */
  contact: string;
  name?: string;
  time: 'any' | 'morning' | 'afternoon' | 'evening';
  /** The visitor ticked the consent line; nothing is sent without it. */
  consent: true;
}

export interface HumanHelpOffer extends WithoutAmounts {
  kind: 'human_help';
  url?: string;
  phone?: string;
  label?: string;
}

export type AcceptedOffer =
  | PaymentTermsOffer | DepositOffer | FreeReturnPostageOffer | BonusGoodsOffer | DiscountOffer | CallbackOffer
  | HumanHelpOffer;

export interface ReliefWidgetApi {
  /** The loader's version. */
  readonly version: string;
  /** Opens the dialog. */
  open(): void;
  /** Closes the dialog. */
  close(): void;
  /** Tells the widget the cart; offers on show follow it at once. */
  setCart(cart: Cart): void;
  /** For configs with "consent": "required": nothing is watched before consent(true). */
  consent(given: boolean): void;
  /**
   * Calls `listener` with each event's detail; `type` with or without the "relief:" prefix.
   * Returns a function that removes it (as `off` does).
   */
  on<T extends ReliefEventType>(type: T | `relief:${T}`, listener: (detail: ReliefEventMap[T]) => void): () => void;
  off<T extends ReliefEventType>(type: T | `relief:${T}`, listener: (detail: ReliefEventMap[T]) => void): void;
}

/** The stub a page may install before the loader runs: calls are queued and replayed. */
export interface ReliefWidgetStub {
  q: unknown[][];
}

declare global {
  interface Window {
    ReliefWidget: ReliefWidgetApi | (ReliefWidgetStub & Partial<ReliefWidgetApi>);
    /** The config, read before data-config (docs/CONFIG.md). */
    reliefConfig?: Record<string, unknown>;
    /** With "data_layer": true, each event is pushed as { event: "relief_<type>", relief: {…} }. */
    dataLayer?: unknown[];
  }
  interface DocumentEventMap {
    'relief:ready': CustomEvent<ReadyEvent>;
    'relief:open': CustomEvent<OpenEvent>;
    'relief:answer': CustomEvent<AnswerEvent>;
    'relief:offer': CustomEvent<OfferEvent>;
    'relief:accept': CustomEvent<AcceptEvent>;
    'relief:dismiss': CustomEvent<DismissEvent>;
    'relief:nudge': CustomEvent<NudgeEvent>;
    'relief:error': CustomEvent<ErrorEvent>;
  }
}
