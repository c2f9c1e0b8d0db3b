/** @jsxImportSource hono/jsx */
import { compensationPhrase, type TCompensationCredit } from '../domain/compensation';
import { resolveParam } from '../domain/notice-templates';
import { Card } from './components';
import type { TPage } from './layout';

/**
 * Statutory compensation credited for a request or complaint that missed its standard of
 * performance: how much and why (the days or hours late, the regulation), in the reader's words.
 */
export function CompensationCard(props: { page: TPage; credit: TCompensationCredit }) {
  const { page, credit } = props;
  const { t, language } = page;
  return (
    <Card title={t('compensation.title')} id="compensation" class="span-2 compensation">
      <p class="lead">{resolveParam(compensationPhrase(credit), language)}</p>
      <p>{t('compensation.late', { area: t(`compensation.area.${credit.areaClass}`) })}</p>
      <p class="muted small">{t('compensation.credited', { at: credit.creditedAt })}</p>
    </Card>
  );
}
