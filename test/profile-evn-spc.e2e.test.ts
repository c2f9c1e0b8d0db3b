import { describeProfileJourneys } from './helpers/profile-journeys';

/** The EVN SPC deployment: Vietnamese customer codes, Ho Chi Minh City time (UTC+7), đồng, +84. */
describeProfileJourneys({
  id: 'evn-spc',
  language: 'vi',
  utcOffsetMinutes: 420,
  circle: { id: 'circle-dongnai', name: 'Công ty Điện lực Đồng Nai' },
  subdivision: 'subdiv-bienhoa-1',
  transformer: 'dtr-tan-hiep-1',
  consumer: (n) => `PB0101${String(n).padStart(6, '0')}`,
  phonePrefix: '+84',
  localPhone: ['0908 123 456', '+84908123456'],
  formatWords: /customer code like PE0100012345/,
  // vi-VN groups thousands with dots, whole đồng: "123.400 ₫"
  money: /\d{1,3}(\.\d{3})+\s₫/,
  zoneWords: '(giờ Việt Nam)',
  noticeWords: 'Dự kiến có điện lại',
  identity: { kind: 'vn-cccd', valid: '079203001234', invalid: '003203001234' },
  executive: { subject: 'exec-tan-hiep', office: 'sec-tan-hiep' },
  newAddress: ['Số 45, đường Phạm Văn Thuận, phường Tân Tiến, Biên Hòa, Đồng Nai', '810000'],
});
