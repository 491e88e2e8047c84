// typedoc plugin: groups the API reference by topic, decided by the source file
// a declaration lives in, so the source needs no @category tag on every export.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** First matching pattern wins; paths are relative to src/. */
const TOPICS = [
  [/^engine\/(create-fulfillment|config)\.ts$/, 'Setup'],
  [/^engine\//, 'Commands'],
  [/^domain\/errors\.ts$/, 'Errors'],
  [/^domain\/(order|payment)\.ts$/, 'Orders and payments'],
  [/^(domain\/(inventory|location)\.ts|inventory\/)/, 'Inventory and allocation'],
  [/^(domain\/(shipment|units)\.ts|packing\/|picking\/|shipping\/)/, 'Picking, packing and shipping'],
  [/^(domain\/tracking\.ts|tracking\/)/, 'Tracking and webhooks'],
  [/^domain\/return\.ts$/, 'Returns'],
  [/^domain\/(status|events)\.ts$/, 'Statuses and events'],
  [/^domain\/(money|address)\.ts$/, 'Money and addresses'],
  [/^ports\//, 'Ports'],
  [/^machines\//, 'State machines'],
  [/^adapters\/(memory-storage|postgres-)/, 'Storage'],
  [/^adapters\/(sandbox-carrier|sandbox-tracking|sandbox-faults|table-rate-carrier|zones)\.ts$/, 'Carriers'],
  [/^adapters\/(sandbox-payment|manual-payment|payment-book)\.ts$/, 'Payments'],
  [/^adapters\/(memory-notifier|webhook-notifier)\.ts$/, 'Notifiers'],
  [/^testing\/(fake-clock|fixtures)\.ts$/, 'Clock and fixtures'],
  [/^testing\//, 'Conformance kits'],
];

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      if (!reflection.isDeclaration() || !reflection.parent?.kindOf(ReflectionKind.Module)) continue;
      if (reflection.comment?.getTag('@category')) continue;
      const file = context.project.getSymbolIdFromReflection(reflection)?.fileName ?? reflection.sources?.[0]?.fullFileName ?? '';
      const path = file.replace(/\\/g, '/').split('/src/').pop() ?? '';
      const topic = TOPICS.find(([pattern]) => pattern.test(path))?.[1];
      if (!topic) continue;
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: topic }]));
    }
  });
}
