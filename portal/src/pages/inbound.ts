import { get } from "../api";
import { h, table } from "../dom";
import { formatDate, t } from "../i18n";
import { maskNumber } from "../sms";
import type { PageContext } from "./index";
import { poll, section } from "./util";

export async function inbound(main: HTMLElement, ctx: PageContext): Promise<void> {
  const masked = ctx.session.role === "viewer";
  const show = (n: string) => (masked ? maskNumber(n) : n);
  const inboundOut = h("div", { id: "inbound-list" });
  const optOutOut = h("div", { id: "optout-list" });
  const load = async () => {
    const [mo, sup] = await Promise.all([get("/v1/inbound?limit=100"), get("/v1/suppressions?limit=100")]);
    inboundOut.replaceChildren(mo.data.length === 0 ? h("p", {}, t("noData")) :
      table([t("time"), t("from"), t("to"), t("text")], mo.data.map((m: any) => [formatDate(m.received_at), show(m.from), m.to, m.text]), t("inboundMessages")));
    optOutOut.replaceChildren(sup.data.length === 0 ? h("p", {}, t("noData")) :
      table([t("phone"), t("reason"), t("created")], sup.data.map((s: any) => [show(s.phone), s.reason ?? s.source ?? "", formatDate(s.created_at)]), t("optOuts")));
  };
  main.append(section(t("optOuts"), optOutOut), section(t("inboundMessages"), inboundOut));
  await load();
  poll(ctx.isCurrent, 10000, load);  // every read of numbers is audited: not too often
}
