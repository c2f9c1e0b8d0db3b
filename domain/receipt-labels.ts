import { formatParam, type TLanguage } from './notice-templates';

/** The fixed words of the completion receipt, in every language Seva speaks (the type checks all five). */
export type TReceiptLabels = {
  title: string;
  requestNumber: string;
  service: string;
  outcome: string;
  consumerNumber: string;
  consumer: string;
  address: string;
  office: string;
  submitted: string;
  completed: string;
  decisions: string;
  /** before the decision's key: "signed: Ed25519, key …" */
  signedWithKey: string;
  verify: string;
  notice: string;
};

export const RECEIPT_LABELS = {
  en: {
    title: 'Service request receipt',
    requestNumber: 'Request Number',
    service: 'Service',
    outcome: 'Outcome',
    consumerNumber: 'Consumer number',
    consumer: 'Consumer',
    address: 'Address',
    office: 'Section office',
    submitted: 'Submitted',
    completed: 'Completed',
    decisions: 'Decision trail',
    signedWithKey: 'signed: Ed25519, key',
    verify: 'Verify this receipt',
    notice:
      'This document carries a digital signature of the issuer; any change to it invalidates the signature.',
  },
  ml: {
    title: 'സേവന അപേക്ഷ രസീത്',
    requestNumber: 'അപേക്ഷ നമ്പർ',
    service: 'സേവനം',
    outcome: 'ഫലം',
    consumerNumber: 'കൺസ്യൂമർ നമ്പർ',
    consumer: 'ഉപഭോക്താവ്',
    address: 'വിലാസം',
    office: 'സെക്ഷൻ ഓഫീസ്',
    submitted: 'സമർപ്പിച്ചത്',
    completed: 'പൂർത്തിയായത്',
    decisions: 'തീരുമാനങ്ങൾ',
    signedWithKey: 'ഒപ്പ്: Ed25519, കീ',
    verify: 'ഈ രസീത് പരിശോധിക്കാൻ',
    notice: 'ഈ രേഖയിൽ നൽകുന്നയാളുടെ ഡിജിറ്റൽ ഒപ്പുണ്ട്; ഇതിൽ വരുത്തുന്ന ഏതു മാറ്റവും ഒപ്പിനെ അസാധുവാക്കും.',
  },
  hi: {
    title: 'सेवा अनुरोध रसीद',
    requestNumber: 'अनुरोध संख्या',
    service: 'सेवा',
    outcome: 'परिणाम',
    consumerNumber: 'उपभोक्ता संख्या',
    consumer: 'उपभोक्ता',
    address: 'पता',
    office: 'अनुभाग कार्यालय',
    submitted: 'जमा किया गया',
    completed: 'पूर्ण हुआ',
    decisions: 'निर्णयों का विवरण',
    signedWithKey: 'हस्ताक्षर: Ed25519, कुंजी',
    verify: 'इस रसीद की जाँच करें',
    notice: 'इस दस्तावेज़ पर जारीकर्ता के डिजिटल हस्ताक्षर हैं; इसमें कोई भी बदलाव हस्ताक्षर को अमान्य कर देता है।',
  },
  vi: {
    title: 'Biên nhận yêu cầu dịch vụ',
    requestNumber: 'Số yêu cầu',
    service: 'Dịch vụ',
    outcome: 'Kết quả',
    consumerNumber: 'Mã khách hàng',
    consumer: 'Khách hàng',
    address: 'Địa chỉ',
    office: 'Văn phòng khu vực',
    submitted: 'Ngày gửi',
    completed: 'Ngày hoàn thành',
    decisions: 'Các quyết định',
    signedWithKey: 'chữ ký: Ed25519, khóa',
    verify: 'Kiểm tra biên nhận này',
    notice: 'Tài liệu này mang chữ ký số của đơn vị phát hành; mọi thay đổi đều làm chữ ký mất hiệu lực.',
  },
  ru: {
    title: 'Квитанция по заявке на услугу',
    requestNumber: 'Номер заявки',
    service: 'Услуга',
    outcome: 'Результат',
    consumerNumber: 'Лицевой счёт',
    consumer: 'Потребитель',
    address: 'Адрес',
    office: 'Участок',
    submitted: 'Подана',
    completed: 'Выполнена',
    decisions: 'Решения',
    signedWithKey: 'подпись: Ed25519, ключ',
    verify: 'Проверить квитанцию',
    notice:
      'Документ подписан электронной подписью издателя; любое изменение делает подпись недействительной.',
  },
} as const satisfies Record<TLanguage, TReceiptLabels>;

/** A time as the reader reads it: their locale, India time (as notices print it), marked IST. */
export const formatReceiptTime = (iso: string, language: TLanguage): string =>
  `${formatParam(iso, language)} IST`;
