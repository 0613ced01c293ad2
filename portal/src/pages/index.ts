import type { Session } from "../api";
import { account } from "./account";
import { billing } from "./billing";
import { campaigns } from "./campaigns";
import { compose } from "./compose";
import { contacts } from "./contacts";
import { dashboard } from "./dashboard";
import { inbound } from "./inbound";
import { messages } from "./messages";
import { privacy } from "./privacy";
import { security } from "./security";
import { settings } from "./settings";

export interface PageContext {
  session: Session;
  navigate: (path: string) => void;
  main: HTMLElement;
  /// False once the user went to another page: polling loops stop.
  isCurrent: () => boolean;
}
export type Page = (main: HTMLElement, ctx: PageContext) => Promise<void>;

export const pages: Record<string, Page> = {
  account, dashboard, compose, messages, contacts, campaigns, inbound, billing, privacy, settings, security,
};
