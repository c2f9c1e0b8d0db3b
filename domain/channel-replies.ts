import type { TAccountSummary } from '../db/account';
import { formatParam, LOCALES, type TLanguage } from './notice-templates';

/**
 * What the consumer channels (SMS, WhatsApp, IVR, e-mail) understand and answer, in the
 * consumer's language once the consumer is known (English before). Pure text in, text out: the
 * webhooks do the look-ups and the registering, these functions do the words. Complaint type
 * names come from the catalogue as they are.
 */

/** A 13-digit consumer number standing on its own somewhere in free text (e-mail subject or body). */
export function findConsumerNumber(text: string): string | undefined {
  return /(?<!\d)(\d{13})(?!\d)/.exec(text)?.[1];
}

/** Reads the complaint type from an e-mail's words; anything unrecognised is "other". */
export function guessComplaintType(text: string): string {
  const t = text.toLowerCase();
  const rules: [RegExp, string][] = [
    [/accident|electrocut|shock|fire|spark|injur/, 'electrical-accident'],
    [/no (power|electricity|supply|current)|power (cut|failure|outage)|outage|blackout/, 'no-power'],
    [/fluctuat|bulbs? (fused|blown)|appliances? (burnt|damaged)/, 'high-voltage'],
    [/low voltage|dim|voltage (is )?low/, 'low-voltage'],
    [/high voltage|voltage (is )?high|over ?voltage/, 'high-voltage'],
    [/pole|wire|line (is )?(down|broken|snapped)|snapped|fallen/, 'line-damage'],
    [/meter/, 'meter-defective'],
    [/bill|charge|amount|tariff/, 'billing-dispute'],
  ];
  return rules.find(([re]) => re.test(t))?.[1] ?? 'other';
}

/** The IVR's complaint menu: key 1 is no power; key 2 then a second key picks the type. */
export const IVR_COMPLAINT_KEYS: Record<string, string> = {
  '1': 'low-voltage',
  '2': 'high-voltage',
  '3': 'line-damage',
  '4': 'electrical-accident',
  '5': 'meter-defective',
  '6': 'billing-dispute',
  '9': 'other',
};

/** WhatsApp: the main menu (ids answer interactive replies; the digits answer typed text). */
export const WHATSAPP_MENU = [
  { id: 'menu:complaint', key: '1' },
  { id: 'menu:status', key: '2' },
  { id: 'menu:bill', key: '3' },
] as const;

type TWords = {
  askNumber: string;
  unknownConsumer: (n: string) => string;
  privateAccount: (n: string) => string;
  notUnderstood: (input: string) => string;
  thanksNumber: (n: string) => string;
  welcome: (utility: string) => string;
  menu: [string, string, string];
  typesHeader: string;
  linked: (rn: string, area: string, etr: string) => string;
  reopened: (rn: string, type: string) => string;
  joined: (rn: string, type: string, status: string) => string;
  registered: (rn: string, type: string) => string;
  resolveBy: (due: string) => string;
  justClosed: string;
  statusNone: string;
  statusHeader: string;
  due: (due: string) => string;
  statuses: Record<string, string>;
  bill: (period: string, amount: string, kwh: number, due: string) => string;
  paid: string;
  noBill: string;
  unpaid: (amount: string, bills: number) => string;
  nothingUnpaid: string;
  lastPaid: (period: string, amount: string) => string;
  outageNone: string;
  outagePlanned: (from: string, to: string, reason: string) => string;
  outageNow: (reason: string, etr: string) => string;
  ivrMenu: string;
  ivrComplaintMenu: string;
  ivrAskNumber: string;
  ivrNotInMenu: string;
  emailNoNumber: string;
  subject: string;
};

const WORDS: Record<TLanguage, TWords> = {
  en: {
    subject: 'your message',
    askNumber: 'Please send your 13-digit consumer number (it is printed on your bill), e.g. 1154600000001.',
    unknownConsumer: (n) =>
      `We could not find consumer number ${n}. Please check it against your bill and try again.`,
    privateAccount: (n) =>
      `For your privacy, the bill and requests of consumer ${n} are shared only with the phone number registered on that account. To update it, visit your section office or the portal.`,
    notUnderstood: (input) => `Sorry, I did not understand "${input}".`,
    thanksNumber: (n) => `Thank you: consumer number ${n} noted.`,
    welcome: (utility) => `Welcome to ${utility}. Reply with a number:`,
    menu: ['Register a complaint', 'Status of my request', 'My bill'],
    typesHeader: 'What is the complaint? Reply with a number:',
    linked: (rn, area, etr) =>
      `Complaint ${rn}: the power cut is part of a known outage in ${area}. Power is expected back by ${etr}. We will tell you when it is restored.`,
    reopened: (rn, type) => `Sorry it is not fixed. Complaint ${rn} (${type}) is reopened.`,
    joined: (rn, type, status) =>
      `This has already been reported (${type}): complaint ${rn} is ${status}. We have added this report to it.`,
    registered: (rn, type) => `Complaint ${rn} registered (${type}).`,
    resolveBy: (due) => ` We aim to resolve it by ${due}.`,
    justClosed: 'Your earlier complaint has just closed. Please send your message again.',
    statusNone: 'You have no open complaints or requests.',
    statusHeader: 'Your open complaints and requests:',
    due: (due) => `, due ${due}`,
    statuses: {
      open: 'open',
      assigned: 'crew assigned',
      'awaiting-restoration': 'waiting for the outage to end',
      resolved: 'resolved',
      'in-progress': 'in progress',
      'awaiting-consumer': 'waiting for you',
    },
    bill: (period, amount, kwh, due) => `Bill for ${period}: ${amount} for ${kwh} kWh, due ${due}`,
    paid: ' (paid)',
    noBill: 'There is no bill on this account yet.',
    unpaid: (amount, bills) => `Unpaid: ${amount} over ${bills} bill${bills === 1 ? '' : 's'}.`,
    nothingUnpaid: 'Nothing is unpaid.',
    lastPaid: (period, amount) => `Last bill paid: ${period}, ${amount}.`,
    outageNone: 'There is no outage on your supply now, and none is planned.',
    outagePlanned: (from, to, reason) => `Planned outage from ${from} to ${to}: ${reason}.`,
    outageNow: (reason, etr) => `Outage now (${reason}); power expected back by ${etr}.`,
    ivrMenu:
      'For no power, press 1. For another complaint, press 2. For the status of your complaints and requests, press 3. For your bill, press 4. For outages in your area, press 5.',
    ivrComplaintMenu:
      'For low voltage, press 1. High voltage, 2. A broken line, pole or wire, 3. An electrical accident, 4. A defective meter, 5. A billing complaint, 6. Anything else, 9.',
    ivrAskNumber: 'Please enter your 13-digit consumer number.',
    ivrNotInMenu: 'That key is not in the menu.',
    emailNoNumber:
      'We could not find your consumer number in your e-mail. Please reply with it in the subject.',
  },
  ml: {
    subject: 'നിങ്ങളുടെ സന്ദേശം',
    askNumber: 'നിങ്ങളുടെ 13 അക്ക കൺസ്യൂമർ നമ്പർ അയയ്ക്കുക (ബില്ലിൽ ഉണ്ട്), ഉദാ. 1154600000001.',
    unknownConsumer: (n) => `കൺസ്യൂമർ നമ്പർ ${n} കണ്ടെത്താനായില്ല. ബില്ലുമായി ഒത്തുനോക്കി വീണ്ടും അയയ്ക്കുക.`,
    privateAccount: (n) =>
      `സ്വകാര്യതയ്ക്കായി, കൺസ്യൂമർ ${n}-ന്റെ ബില്ലും അപേക്ഷകളും ആ അക്കൗണ്ടിൽ രജിസ്റ്റർ ചെയ്ത ഫോൺ നമ്പറിലേക്ക് മാത്രമേ അറിയിക്കൂ. മാറ്റാൻ സെക്ഷൻ ഓഫീസിലോ പോർട്ടലിലോ ബന്ധപ്പെടുക.`,
    notUnderstood: (input) => `ക്ഷമിക്കണം, "${input}" മനസ്സിലായില്ല.`,
    thanksNumber: (n) => `നന്ദി: കൺസ്യൂമർ നമ്പർ ${n} രേഖപ്പെടുത്തി.`,
    welcome: (utility) => `${utility}-ലേക്ക് സ്വാഗതം. ഒരു നമ്പർ മറുപടിയായി അയയ്ക്കുക:`,
    menu: ['പരാതി രജിസ്റ്റർ ചെയ്യുക', 'എന്റെ അപേക്ഷയുടെ നില', 'എന്റെ ബിൽ'],
    typesHeader: 'എന്താണ് പരാതി? ഒരു നമ്പർ മറുപടിയായി അയയ്ക്കുക:',
    linked: (rn, area, etr) =>
      `പരാതി ${rn}: ${area}-ലെ അറിയപ്പെടുന്ന വൈദ്യുതി മുടക്കത്തിന്റെ ഭാഗമാണിത്. ${etr}-നകം വൈദ്യുതി തിരികെ പ്രതീക്ഷിക്കുന്നു. പുനഃസ്ഥാപിക്കുമ്പോൾ അറിയിക്കും.`,
    reopened: (rn, type) => `ക്ഷമിക്കണം, ശരിയായില്ല. പരാതി ${rn} (${type}) വീണ്ടും തുറന്നു.`,
    joined: (rn, type, status) =>
      `ഇത് മുമ്പേ അറിയിച്ചിട്ടുണ്ട് (${type}): പരാതി ${rn} നില: ${status}. ഈ റിപ്പോർട്ടും അതിൽ ചേർത്തു.`,
    registered: (rn, type) => `പരാതി ${rn} രജിസ്റ്റർ ചെയ്തു (${type}).`,
    resolveBy: (due) => ` ${due}-നകം പരിഹരിക്കാൻ ശ്രമിക്കും.`,
    justClosed: 'നിങ്ങളുടെ മുൻ പരാതി ഇപ്പോൾ അടച്ചു. ദയവായി സന്ദേശം വീണ്ടും അയയ്ക്കുക.',
    statusNone: 'നിങ്ങൾക്ക് തുറന്ന പരാതികളോ അപേക്ഷകളോ ഇല്ല.',
    statusHeader: 'നിങ്ങളുടെ തുറന്ന പരാതികളും അപേക്ഷകളും:',
    due: (due) => `, അവസാന തീയതി ${due}`,
    statuses: {
      open: 'തുറന്നത്',
      assigned: 'ജീവനക്കാരെ നിയോഗിച്ചു',
      'awaiting-restoration': 'വൈദ്യുതി മുടക്കം തീരാൻ കാത്തിരിക്കുന്നു',
      resolved: 'പരിഹരിച്ചു',
      'in-progress': 'നടപടിയിൽ',
      'awaiting-consumer': 'നിങ്ങളുടെ മറുപടിക്കായി കാത്തിരിക്കുന്നു',
    },
    bill: (period, amount, kwh, due) => `${period}-ലെ ബിൽ: ${kwh} kWh-ന് ${amount}, അവസാന തീയതി ${due}`,
    paid: ' (അടച്ചു)',
    noBill: 'ഈ അക്കൗണ്ടിൽ ഇതുവരെ ബില്ലില്ല.',
    unpaid: (amount, bills) => `അടയ്ക്കാനുള്ളത്: ${bills} ബില്ലുകളിലായി ${amount}.`,
    nothingUnpaid: 'കുടിശ്ശികയില്ല.',
    lastPaid: (period, amount) => `അവസാനം അടച്ച ബിൽ: ${period}, ${amount}.`,
    outageNone: 'നിങ്ങളുടെ വൈദ്യുതി വിതരണത്തിൽ ഇപ്പോൾ മുടക്കമില്ല, ആസൂത്രിത മുടക്കവുമില്ല.',
    outagePlanned: (from, to, reason) => `ആസൂത്രിത വൈദ്യുതി മുടക്കം ${from} മുതൽ ${to} വരെ: ${reason}.`,
    outageNow: (reason, etr) => `ഇപ്പോൾ വൈദ്യുതി മുടക്കം (${reason}); ${etr}-നകം വൈദ്യുതി തിരികെ പ്രതീക്ഷിക്കുന്നു.`,
    ivrMenu:
      'വൈദ്യുതി ഇല്ലെങ്കിൽ 1 അമർത്തുക. മറ്റ് പരാതികൾക്ക് 2. പരാതികളുടെയും അപേക്ഷകളുടെയും നിലയ്ക്ക് 3. ബില്ലിന് 4. നിങ്ങളുടെ പ്രദേശത്തെ വൈദ്യുതി മുടക്കത്തിന് 5.',
    ivrComplaintMenu:
      'വോൾട്ടേജ് കുറവിന് 1 അമർത്തുക. വോൾട്ടേജ് കൂടുതലിന് 2. ലൈൻ, പോസ്റ്റ് അല്ലെങ്കിൽ കമ്പി തകരാറിന് 3. വൈദ്യുത അപകടത്തിന് 4. മീറ്റർ തകരാറിന് 5. ബിൽ പരാതിക്ക് 6. മറ്റുള്ളവയ്ക്ക് 9.',
    ivrAskNumber: 'നിങ്ങളുടെ 13 അക്ക കൺസ്യൂമർ നമ്പർ നൽകുക.',
    ivrNotInMenu: 'ആ ബട്ടൺ മെനുവിൽ ഇല്ല.',
    emailNoNumber: 'നിങ്ങളുടെ ഇ-മെയിലിൽ കൺസ്യൂമർ നമ്പർ കണ്ടെത്താനായില്ല. വിഷയത്തിൽ അത് ചേർത്ത് മറുപടി അയയ്ക്കുക.',
  },
  hi: {
    subject: 'आपका संदेश',
    askNumber: 'कृपया अपना 13 अंकों का उपभोक्ता नंबर भेजें (यह आपके बिल पर छपा है), जैसे 1154600000001।',
    unknownConsumer: (n) => `उपभोक्ता नंबर ${n} नहीं मिला। कृपया बिल से मिलाकर दोबारा भेजें।`,
    privateAccount: (n) =>
      `आपकी गोपनीयता के लिए, उपभोक्ता ${n} का बिल और अनुरोध केवल उस खाते में दर्ज फ़ोन नंबर को बताए जाते हैं। इसे बदलने के लिए अपने सेक्शन कार्यालय या पोर्टल पर जाएँ।`,
    notUnderstood: (input) => `क्षमा करें, "${input}" समझ नहीं आया।`,
    thanksNumber: (n) => `धन्यवाद: उपभोक्ता नंबर ${n} दर्ज किया।`,
    welcome: (utility) => `${utility} में आपका स्वागत है। एक नंबर लिखकर जवाब दें:`,
    menu: ['शिकायत दर्ज करें', 'मेरे अनुरोध की स्थिति', 'मेरा बिल'],
    typesHeader: 'क्या शिकायत है? एक नंबर लिखकर जवाब दें:',
    linked: (rn, area, etr) =>
      `शिकायत ${rn}: यह ${area} की ज्ञात बिजली कटौती का हिस्सा है। बिजली ${etr} तक लौटने की उम्मीद है। बहाल होने पर हम आपको बताएँगे।`,
    reopened: (rn, type) => `क्षमा करें, यह ठीक नहीं हुआ। शिकायत ${rn} (${type}) फिर से खोली गई।`,
    joined: (rn, type, status) =>
      `यह पहले ही दर्ज है (${type}): शिकायत ${rn} की स्थिति: ${status}। यह सूचना भी उसमें जोड़ दी गई है।`,
    registered: (rn, type) => `शिकायत ${rn} दर्ज हुई (${type})।`,
    resolveBy: (due) => ` हम इसे ${due} तक हल करने का प्रयास करेंगे।`,
    justClosed: 'आपकी पिछली शिकायत अभी बंद हुई है। कृपया अपना संदेश फिर से भेजें।',
    statusNone: 'आपकी कोई खुली शिकायत या अनुरोध नहीं है।',
    statusHeader: 'आपकी खुली शिकायतें और अनुरोध:',
    due: (due) => `, नियत तिथि ${due}`,
    statuses: {
      open: 'खुली',
      assigned: 'टीम नियुक्त',
      'awaiting-restoration': 'कटौती समाप्त होने की प्रतीक्षा',
      resolved: 'हल हुई',
      'in-progress': 'प्रक्रिया में',
      'awaiting-consumer': 'आपकी प्रतीक्षा में',
    },
    bill: (period, amount, kwh, due) => `${period} का बिल: ${kwh} kWh के लिए ${amount}, देय तिथि ${due}`,
    paid: ' (भुगतान हो गया)',
    noBill: 'इस खाते पर अभी कोई बिल नहीं है।',
    unpaid: (amount, bills) => `बकाया: ${bills} बिलों पर ${amount}।`,
    nothingUnpaid: 'कुछ भी बकाया नहीं है।',
    lastPaid: (period, amount) => `अंतिम भुगतान किया गया बिल: ${period}, ${amount}।`,
    outageNone: 'आपकी आपूर्ति पर अभी कोई कटौती नहीं है, और कोई नियोजित भी नहीं है।',
    outagePlanned: (from, to, reason) => `नियोजित कटौती ${from} से ${to} तक: ${reason}।`,
    outageNow: (reason, etr) => `अभी कटौती है (${reason}); बिजली ${etr} तक लौटने की उम्मीद है।`,
    ivrMenu:
      'बिजली न होने पर 1 दबाएँ। दूसरी शिकायत के लिए 2। शिकायतों और अनुरोधों की स्थिति के लिए 3। बिल के लिए 4। आपके क्षेत्र की कटौती के लिए 5।',
    ivrComplaintMenu:
      'कम वोल्टेज के लिए 1 दबाएँ। अधिक वोल्टेज 2। टूटी लाइन, खंभा या तार 3। विद्युत दुर्घटना 4। ख़राब मीटर 5। बिल की शिकायत 6। अन्य 9।',
    ivrAskNumber: 'कृपया अपना 13 अंकों का उपभोक्ता नंबर दर्ज करें।',
    ivrNotInMenu: 'यह बटन मेनू में नहीं है।',
    emailNoNumber: 'आपके ई-मेल में उपभोक्ता नंबर नहीं मिला। कृपया विषय में नंबर लिखकर जवाब दें।',
  },
  vi: {
    subject: 'tin nhắn của bạn',
    askNumber: 'Vui lòng gửi mã khách hàng 13 chữ số của bạn (in trên hóa đơn), ví dụ 1154600000001.',
    unknownConsumer: (n) => `Không tìm thấy mã khách hàng ${n}. Vui lòng đối chiếu với hóa đơn và gửi lại.`,
    privateAccount: (n) =>
      `Để bảo vệ quyền riêng tư, hóa đơn và yêu cầu của khách hàng ${n} chỉ được gửi tới số điện thoại đã đăng ký cho tài khoản đó. Để thay đổi, hãy liên hệ văn phòng khu vực hoặc cổng thông tin.`,
    notUnderstood: (input) => `Xin lỗi, tôi không hiểu "${input}".`,
    thanksNumber: (n) => `Cảm ơn: đã ghi nhận mã khách hàng ${n}.`,
    welcome: (utility) => `Chào mừng bạn đến với ${utility}. Trả lời bằng một số:`,
    menu: ['Đăng ký khiếu nại', 'Tình trạng yêu cầu của tôi', 'Hóa đơn của tôi'],
    typesHeader: 'Bạn muốn khiếu nại về việc gì? Trả lời bằng một số:',
    linked: (rn, area, etr) =>
      `Khiếu nại ${rn}: việc mất điện thuộc sự cố đã biết tại ${area}. Dự kiến có điện lại trước ${etr}. Chúng tôi sẽ báo khi có điện.`,
    reopened: (rn, type) => `Rất tiếc sự cố chưa được khắc phục. Khiếu nại ${rn} (${type}) đã được mở lại.`,
    joined: (rn, type, status) =>
      `Việc này đã được báo (${type}): khiếu nại ${rn} đang ở trạng thái ${status}. Chúng tôi đã ghi thêm báo cáo này.`,
    registered: (rn, type) => `Đã đăng ký khiếu nại ${rn} (${type}).`,
    resolveBy: (due) => ` Chúng tôi cố gắng giải quyết trước ${due}.`,
    justClosed: 'Khiếu nại trước của bạn vừa được đóng. Vui lòng gửi lại tin nhắn.',
    statusNone: 'Bạn không có khiếu nại hay yêu cầu nào đang mở.',
    statusHeader: 'Các khiếu nại và yêu cầu đang mở của bạn:',
    due: (due) => `, hạn ${due}`,
    statuses: {
      open: 'đang mở',
      assigned: 'đã cử đội',
      'awaiting-restoration': 'chờ khắc phục sự cố mất điện',
      resolved: 'đã giải quyết',
      'in-progress': 'đang xử lý',
      'awaiting-consumer': 'chờ bạn phản hồi',
    },
    bill: (period, amount, kwh, due) => `Hóa đơn kỳ ${period}: ${amount} cho ${kwh} kWh, hạn ${due}`,
    paid: ' (đã thanh toán)',
    noBill: 'Tài khoản này chưa có hóa đơn.',
    unpaid: (amount, bills) => `Chưa thanh toán: ${amount} trên ${bills} hóa đơn.`,
    nothingUnpaid: 'Không có khoản nào chưa thanh toán.',
    lastPaid: (period, amount) => `Hóa đơn thanh toán gần nhất: ${period}, ${amount}.`,
    outageNone: 'Hiện không có sự cố mất điện nào và không có lịch cắt điện.',
    outagePlanned: (from, to, reason) => `Lịch cắt điện từ ${from} đến ${to}: ${reason}.`,
    outageNow: (reason, etr) => `Đang mất điện (${reason}); dự kiến có điện lại trước ${etr}.`,
    ivrMenu:
      'Mất điện, bấm 1. Khiếu nại khác, bấm 2. Tình trạng khiếu nại và yêu cầu, bấm 3. Hóa đơn, bấm 4. Sự cố mất điện trong khu vực, bấm 5.',
    ivrComplaintMenu:
      'Điện áp thấp, bấm 1. Điện áp cao, 2. Đường dây, cột hoặc dây điện hỏng, 3. Tai nạn điện, 4. Công tơ hỏng, 5. Khiếu nại hóa đơn, 6. Việc khác, 9.',
    ivrAskNumber: 'Vui lòng nhập mã khách hàng 13 chữ số.',
    ivrNotInMenu: 'Phím này không có trong menu.',
    emailNoNumber:
      'Chúng tôi không tìm thấy mã khách hàng trong e-mail của bạn. Vui lòng trả lời kèm mã trong tiêu đề.',
  },
  ru: {
    subject: 'ваше сообщение',
    askNumber:
      'Пожалуйста, пришлите ваш 13-значный номер потребителя (он указан в счёте), например 1154600000001.',
    unknownConsumer: (n) => `Номер потребителя ${n} не найден. Сверьте его со счётом и пришлите снова.`,
    privateAccount: (n) =>
      `В целях конфиденциальности счёт и заявки потребителя ${n} сообщаются только на телефон, указанный в этом договоре. Чтобы изменить его, обратитесь в участок или на портал.`,
    notUnderstood: (input) => `Извините, я не понял «${input}».`,
    thanksNumber: (n) => `Спасибо: номер потребителя ${n} записан.`,
    welcome: (utility) => `Добро пожаловать в ${utility}. Ответьте цифрой:`,
    menu: ['Подать жалобу', 'Статус моей заявки', 'Мой счёт'],
    typesHeader: 'На что жалоба? Ответьте цифрой:',
    linked: (rn, area, etr) =>
      `Жалоба ${rn}: отключение связано с известной аварией в районе ${area}. Электричество ожидается к ${etr}. Мы сообщим, когда его восстановят.`,
    reopened: (rn, type) => `Жаль, что не исправлено. Жалоба ${rn} (${type}) открыта снова.`,
    joined: (rn, type, status) =>
      `Об этом уже сообщено (${type}): жалоба ${rn}, статус: ${status}. Это сообщение добавлено к ней.`,
    registered: (rn, type) => `Жалоба ${rn} зарегистрирована (${type}).`,
    resolveBy: (due) => ` Постараемся решить к ${due}.`,
    justClosed: 'Ваша предыдущая жалоба только что закрыта. Пожалуйста, отправьте сообщение снова.',
    statusNone: 'У вас нет открытых жалоб и заявок.',
    statusHeader: 'Ваши открытые жалобы и заявки:',
    due: (due) => `, срок ${due}`,
    statuses: {
      open: 'открыта',
      assigned: 'бригада назначена',
      'awaiting-restoration': 'ждёт окончания аварии',
      resolved: 'решена',
      'in-progress': 'в работе',
      'awaiting-consumer': 'ждёт вашего ответа',
    },
    bill: (period, amount, kwh, due) => `Счёт за ${period}: ${amount} за ${kwh} кВт·ч, оплатить до ${due}`,
    paid: ' (оплачен)',
    noBill: 'По этому договору пока нет счетов.',
    unpaid: (amount, bills) => `Не оплачено: ${amount} (счетов: ${bills}).`,
    nothingUnpaid: 'Задолженности нет.',
    lastPaid: (period, amount) => `Последний оплаченный счёт: ${period}, ${amount}.`,
    outageNone: 'Сейчас отключений вашей линии нет, и плановых не намечено.',
    outagePlanned: (from, to, reason) => `Плановое отключение с ${from} до ${to}: ${reason}.`,
    outageNow: (reason, etr) => `Сейчас отключение (${reason}); электричество ожидается к ${etr}.`,
    ivrMenu:
      'Нет электричества — нажмите 1. Другая жалоба — 2. Статус жалоб и заявок — 3. Счёт — 4. Отключения в вашем районе — 5.',
    ivrComplaintMenu:
      'Низкое напряжение — нажмите 1. Высокое напряжение — 2. Обрыв линии, опора или провод — 3. Несчастный случай с электричеством — 4. Неисправный счётчик — 5. Жалоба на счёт — 6. Другое — 9.',
    ivrAskNumber: 'Пожалуйста, введите 13-значный номер потребителя.',
    ivrNotInMenu: 'Такой кнопки нет в меню.',
    emailNoNumber: 'Мы не нашли номер потребителя в вашем письме. Пожалуйста, ответьте, указав его в теме.',
  },
};

export type TComplaintAnswer = {
  requestNumber: string;
  joined: boolean;
  reopened?: boolean;
  status: string;
  typeName: string;
  dueAt: string | null;
  outage: { area: string; etr: string } | null;
};
export type TOpenItem = { requestNumber: string; name: string; status: string; dueAt: string | null };

/** Every reply of the channels, in one language. */
export function channelWords(language: TLanguage) {
  const w = WORDS[language];
  const at = (iso: string) => `${formatParam(iso, language)} IST`;
  const money = (amount: number) =>
    new Intl.NumberFormat(LOCALES[language], { style: 'currency', currency: 'INR' }).format(amount);
  const status = (s: string) => w.statuses[s] ?? s;
  return {
    askNumber: w.askNumber,
    unknownConsumer: w.unknownConsumer,
    privateAccount: w.privateAccount,
    justClosed: w.justClosed,
    emailNoNumber: w.emailNoNumber,
    subject: (utility: string) => `${utility}: ${w.subject}`,
    ivrMenu: w.ivrMenu,
    ivrComplaintMenu: w.ivrComplaintMenu,
    ivrAskNumber: w.ivrAskNumber,
    ivrNotInMenu: `${w.ivrNotInMenu} ${w.ivrMenu}`,
    menu: (utility: string) =>
      `${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    notUnderstood: (input: string, utility: string) =>
      `${w.notUnderstood(input.slice(0, 40))} ${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    thanksNumber: (n: string, utility: string) =>
      `${w.thanksNumber(n)} ${w.welcome(utility)}\n${WHATSAPP_MENU.map((m, i) => `${m.key}. ${w.menu[i]}`).join('\n')}`,
    types: (types: { code: string; name: string }[], notUnderstood?: string) =>
      `${notUnderstood ? `${w.notUnderstood(notUnderstood.slice(0, 40))} ` : ''}${w.typesHeader}\n${types
        .map((t, i) => `${i + 1}. ${t.name}`)
        .join('\n')}`,
    /** The answer to a registered complaint: its number, and the ETR when a known outage explains it. */
    complaint: (c: TComplaintAnswer) => {
      const by = c.dueAt ? w.resolveBy(at(c.dueAt)) : '';
      if (c.outage) return w.linked(c.requestNumber, c.outage.area, at(c.outage.etr));
      if (c.reopened) return w.reopened(c.requestNumber, c.typeName) + by;
      if (c.joined) return w.joined(c.requestNumber, c.typeName, status(c.status));
      return w.registered(c.requestNumber, c.typeName) + by;
    },
    status: (items: TOpenItem[]) =>
      items.length === 0
        ? w.statusNone
        : `${w.statusHeader}\n${items
            .map(
              (i) => `${i.requestNumber} ${i.name}: ${status(i.status)}${i.dueAt ? w.due(at(i.dueAt)) : ''}`,
            )
            .join('\n')}`,
    bill: (a: TAccountSummary) => {
      const b = a.latestBill;
      const parts = [
        b ? `${w.bill(b.period, money(b.amount), b.unitsKwh, b.dueDate)}${b.paid ? w.paid : ''}.` : w.noBill,
        a.arrears.amount > 0 ? w.unpaid(money(a.arrears.amount), a.arrears.bills) : w.nothingUnpaid,
      ];
      if (a.lastPayment) parts.push(w.lastPaid(a.lastPayment.period, money(a.lastPayment.amount)));
      return parts.join(' ');
    },
    outages: (outages: { startsAt: Date; etr: Date; reason: string }[], now: Date) =>
      outages.length === 0
        ? w.outageNone
        : outages
            .map((o) =>
              o.startsAt > now
                ? w.outagePlanned(at(o.startsAt.toISOString()), at(o.etr.toISOString()), o.reason)
                : w.outageNow(o.reason, at(o.etr.toISOString())),
            )
            .join(' '),
  };
}
export type TChannelWords = ReturnType<typeof channelWords>;
