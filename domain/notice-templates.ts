/**
 * Every notice Seva sends, in every language it speaks. Text is data: `{param}` is replaced by the
 * notice's parameter, and a `[[ … ]]` section is dropped when a parameter inside it is missing.
 * A test renders every template in every language and fails on any missing translation.
 */
import { LOCALES, type TLanguage } from './languages';

export { isLanguage, LANGUAGES, LOCALES, type TLanguage } from './languages';

type TText = { subject: string; body: string };
export type TNoticeTemplate = {
  audience: 'consumer' | 'staff';
  /** outages, disconnection and emergencies reach the consumer whatever their opt-outs */
  mandatory: boolean;
  /** sent at once, even in quiet hours */
  urgent: boolean;
  params: readonly string[];
  text: Record<TLanguage, TText>;
};

const t = (
  audience: TNoticeTemplate['audience'],
  flags: { mandatory?: boolean; urgent?: boolean },
  params: readonly string[],
  text: Record<TLanguage, TText>,
): TNoticeTemplate => ({ audience, mandatory: false, urgent: false, ...flags, params, text });

export const NOTICE_TEMPLATES = {
  'request-received': t('consumer', { urgent: true }, ['requestNumber', 'service', 'dueAt'], {
    en: {
      subject: 'Request {requestNumber} received',
      body: 'Your request for {service} is registered as {requestNumber}. It will be done by {dueAt}.',
    },
    ml: {
      subject: 'അപേക്ഷ {requestNumber} ലഭിച്ചു',
      body: '{service} എന്നതിനുള്ള നിങ്ങളുടെ അപേക്ഷ {requestNumber} ആയി രജിസ്റ്റർ ചെയ്തു. {dueAt}-നകം പൂർത്തിയാകും.',
    },
    hi: {
      subject: 'अनुरोध {requestNumber} प्राप्त हुआ',
      body: '{service} के लिए आपका अनुरोध {requestNumber} के रूप में दर्ज हुआ। यह {dueAt} तक पूरा होगा।',
    },
    vi: {
      subject: 'Đã nhận yêu cầu {requestNumber}',
      body: 'Yêu cầu {service} của bạn đã được ghi nhận với mã {requestNumber}. Sẽ hoàn thành trước {dueAt}.',
    },
    ru: {
      subject: 'Заявка {requestNumber} принята',
      body: 'Ваша заявка «{service}» зарегистрирована под номером {requestNumber}. Срок выполнения: {dueAt}.',
    },
  }),
  'documents-requested': t('consumer', { urgent: true }, ['requestNumber', 'kinds', 'message', 'respondBy'], {
    en: {
      subject: 'Documents needed for {requestNumber}',
      body: 'For request {requestNumber} please send: {kinds}. {message} Please reply by {respondBy}.',
    },
    ml: {
      subject: '{requestNumber}-ന് രേഖകൾ ആവശ്യമാണ്',
      body: 'അപേക്ഷ {requestNumber}-ന് ദയവായി അയയ്ക്കുക: {kinds}. {message} {respondBy}-നകം മറുപടി നൽകുക.',
    },
    hi: {
      subject: '{requestNumber} के लिए दस्तावेज़ चाहिए',
      body: 'अनुरोध {requestNumber} के लिए कृपया भेजें: {kinds}। {message} कृपया {respondBy} तक उत्तर दें।',
    },
    vi: {
      subject: 'Cần bổ sung giấy tờ cho {requestNumber}',
      body: 'Với yêu cầu {requestNumber}, vui lòng gửi: {kinds}. {message} Vui lòng phản hồi trước {respondBy}.',
    },
    ru: {
      subject: 'Нужны документы по заявке {requestNumber}',
      body: 'По заявке {requestNumber} пришлите, пожалуйста: {kinds}. {message} Ответьте до {respondBy}.',
    },
  }),
  'documents-reminder': t('consumer', {}, ['requestNumber', 'kinds', 'respondBy'], {
    en: {
      subject: 'Reminder: documents for {requestNumber}',
      body: 'We are still waiting for {kinds} for request {requestNumber}. Without them it closes on {respondBy}.',
    },
    ml: {
      subject: 'ഓർമ്മപ്പെടുത്തൽ: {requestNumber}-നുള്ള രേഖകൾ',
      body: 'അപേക്ഷ {requestNumber}-നുള്ള {kinds} ഇനിയും ലഭിച്ചിട്ടില്ല. ലഭിച്ചില്ലെങ്കിൽ {respondBy}-ന് അപേക്ഷ അവസാനിപ്പിക്കും.',
    },
    hi: {
      subject: 'अनुस्मारक: {requestNumber} के दस्तावेज़',
      body: 'अनुरोध {requestNumber} के लिए {kinds} अभी तक नहीं मिले। इनके बिना यह {respondBy} को बंद हो जाएगा।',
    },
    vi: {
      subject: 'Nhắc nhở: giấy tờ cho {requestNumber}',
      body: 'Chúng tôi vẫn chờ {kinds} cho yêu cầu {requestNumber}. Nếu không có, yêu cầu sẽ đóng vào {respondBy}.',
    },
    ru: {
      subject: 'Напоминание: документы по заявке {requestNumber}',
      body: 'Мы всё ещё ждём {kinds} по заявке {requestNumber}. Без них заявка будет закрыта {respondBy}.',
    },
  }),
  'delay-notice': t('consumer', { urgent: true }, ['requestNumber', 'service', 'reason', 'newDate'], {
    en: {
      subject: 'Request {requestNumber} is delayed',
      body: 'Your request for {service} ({requestNumber}) is delayed because of {reason}. New expected date: {newDate}. We are sorry.',
    },
    ml: {
      subject: 'അപേക്ഷ {requestNumber} വൈകുന്നു',
      body: '{service} അപേക്ഷ ({requestNumber}) {reason} കാരണം വൈകുന്നു. പുതിയ പ്രതീക്ഷിത തീയതി: {newDate}. ഖേദിക്കുന്നു.',
    },
    hi: {
      subject: 'अनुरोध {requestNumber} में देरी',
      body: '{service} के लिए आपके अनुरोध ({requestNumber}) में {reason} के कारण देरी है। नई अपेक्षित तिथि: {newDate}। हमें खेद है।',
    },
    vi: {
      subject: 'Yêu cầu {requestNumber} bị chậm',
      body: 'Yêu cầu {service} ({requestNumber}) của bạn bị chậm do {reason}. Ngày dự kiến mới: {newDate}. Chúng tôi xin lỗi.',
    },
    ru: {
      subject: 'Заявка {requestNumber} задерживается',
      body: 'Ваша заявка «{service}» ({requestNumber}) задерживается: {reason}. Новый ожидаемый срок: {newDate}. Приносим извинения.',
    },
  }),
  'escalation-alert': t('staff', { urgent: true }, ['requestNumber', 'service', 'level', 'dueAt'], {
    en: {
      subject: 'Escalated to you: {requestNumber}',
      body: '{service} request {requestNumber} breached its turnaround time and is escalated to level {level}. Resolve by {dueAt}.',
    },
    ml: {
      subject: 'നിങ്ങളിലേക്ക് ഉയർത്തി: {requestNumber}',
      body: '{service} അപേക്ഷ {requestNumber} സമയപരിധി കഴിഞ്ഞു, ലെവൽ {level}-ലേക്ക് ഉയർത്തി. {dueAt}-നകം തീർപ്പാക്കുക.',
    },
    hi: {
      subject: 'आपको एस्केलेट: {requestNumber}',
      body: '{service} अनुरोध {requestNumber} की समय-सीमा पार हो गई और यह स्तर {level} पर एस्केलेट हुआ। {dueAt} तक निपटाएँ।',
    },
    vi: {
      subject: 'Chuyển cấp cho bạn: {requestNumber}',
      body: 'Yêu cầu {service} {requestNumber} đã quá hạn và được chuyển lên cấp {level}. Xử lý trước {dueAt}.',
    },
    ru: {
      subject: 'Эскалация: {requestNumber}',
      body: 'Заявка «{service}» {requestNumber} просрочена и передана на уровень {level}. Решить до {dueAt}.',
    },
  }),
  'complaint-escalation-alert': t(
    'staff',
    { urgent: true },
    ['requestNumber', 'complaintType', 'level', 'resolveBy'],
    {
      en: {
        subject: 'Complaint escalated to you: {requestNumber}',
        body: 'Complaint {requestNumber} ({complaintType}) is past its turnaround time and is escalated to you at level {level}. Resolve it by {resolveBy}.',
      },
      ml: {
        subject: 'പരാതി നിങ്ങളിലേക്ക് ഉയർത്തി: {requestNumber}',
        body: 'പരാതി {requestNumber} ({complaintType}) സമയപരിധി കഴിഞ്ഞതിനാൽ ലെവൽ {level}-ൽ നിങ്ങളിലേക്ക് ഉയർത്തി. {resolveBy}-നകം പരിഹരിക്കുക.',
      },
      hi: {
        subject: 'शिकायत आपको एस्केलेट: {requestNumber}',
        body: 'शिकायत {requestNumber} ({complaintType}) की समय-सीमा पार हो गई है और स्तर {level} पर आपको एस्केलेट की गई है। {resolveBy} तक हल करें।',
      },
      vi: {
        subject: 'Khiếu nại chuyển cấp cho bạn: {requestNumber}',
        body: 'Khiếu nại {requestNumber} ({complaintType}) đã quá hạn và được chuyển cho bạn ở cấp {level}. Giải quyết trước {resolveBy}.',
      },
      ru: {
        subject: 'Жалоба передана вам: {requestNumber}',
        body: 'Жалоба {requestNumber} ({complaintType}) просрочена и передана вам на уровень {level}. Решить до {resolveBy}.',
      },
    },
  ),
  'complaint-delayed': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'newDate'], {
    en: {
      subject: 'Complaint {requestNumber} is taking longer',
      body: 'Your complaint {requestNumber} ({complaintType}) has not been resolved within the promised time. A senior officer now has it; new expected time: {newDate}. We are sorry.',
    },
    ml: {
      subject: 'പരാതി {requestNumber} വൈകുന്നു',
      body: 'നിങ്ങളുടെ പരാതി {requestNumber} ({complaintType}) വാഗ്ദാനം ചെയ്ത സമയത്തിനുള്ളിൽ പരിഹരിച്ചില്ല. ഇപ്പോൾ ഒരു മുതിർന്ന ഉദ്യോഗസ്ഥൻ കൈകാര്യം ചെയ്യുന്നു; പുതിയ പ്രതീക്ഷിത സമയം: {newDate}. ഖേദിക്കുന്നു.',
    },
    hi: {
      subject: 'शिकायत {requestNumber} में देरी',
      body: 'आपकी शिकायत {requestNumber} ({complaintType}) तय समय में हल नहीं हुई। अब एक वरिष्ठ अधिकारी इसे देख रहे हैं; नया अपेक्षित समय: {newDate}। हमें खेद है।',
    },
    vi: {
      subject: 'Khiếu nại {requestNumber} bị chậm',
      body: 'Khiếu nại {requestNumber} ({complaintType}) của bạn chưa được giải quyết đúng hạn. Một cán bộ cấp trên đang xử lý; thời gian dự kiến mới: {newDate}. Xin lỗi vì sự chậm trễ.',
    },
    ru: {
      subject: 'Жалоба {requestNumber} задерживается',
      body: 'Ваша жалоба {requestNumber} ({complaintType}) не решена в обещанный срок. Теперь ею занимается старший специалист; новый ожидаемый срок: {newDate}. Приносим извинения.',
    },
  }),
  'tat-warning': t('staff', { urgent: true }, ['requestNumber', 'service', 'dueAt'], {
    en: {
      subject: 'Due soon: {requestNumber}',
      body: '{service} request {requestNumber} has used most of its turnaround time. It is due by {dueAt}.',
    },
    ml: {
      subject: 'സമയപരിധി അടുക്കുന്നു: {requestNumber}',
      body: '{service} അപേക്ഷ {requestNumber}-ന്റെ സമയപരിധിയുടെ ഭൂരിഭാഗവും കഴിഞ്ഞു. {dueAt}-നകം തീർക്കണം.',
    },
    hi: {
      subject: 'जल्द देय: {requestNumber}',
      body: '{service} अनुरोध {requestNumber} का अधिकांश समय बीत चुका है। यह {dueAt} तक देय है।',
    },
    vi: {
      subject: 'Sắp đến hạn: {requestNumber}',
      body: 'Yêu cầu {service} {requestNumber} đã dùng gần hết thời hạn xử lý. Hạn chót: {dueAt}.',
    },
    ru: {
      subject: 'Скоро срок: {requestNumber}',
      body: 'По заявке «{service}» {requestNumber} истекает большая часть срока. Срок: {dueAt}.',
    },
  }),
  'request-completed': t('consumer', {}, ['requestNumber', 'service', 'receiptUrl', 'feedbackUrl'], {
    en: {
      subject: 'The requested service — {service} — is processed',
      body: 'The requested service — {service} — is processed ({requestNumber}).[[ Your signed receipt: {receiptUrl}]][[ Tell us how we did: {feedbackUrl}]]',
    },
    ml: {
      subject: 'അപേക്ഷിച്ച സേവനം — {service} — പൂർത്തിയായി',
      body: 'അപേക്ഷിച്ച സേവനം — {service} — പൂർത്തിയായി ({requestNumber}).[[ ഒപ്പിട്ട രസീത്: {receiptUrl}]][[ അഭിപ്രായം അറിയിക്കുക: {feedbackUrl}]]',
    },
    hi: {
      subject: 'अनुरोधित सेवा — {service} — पूरी हुई',
      body: 'अनुरोधित सेवा — {service} — पूरी हुई ({requestNumber})।[[ आपकी हस्ताक्षरित रसीद: {receiptUrl}]][[ अपनी राय दें: {feedbackUrl}]]',
    },
    vi: {
      subject: 'Dịch vụ đã yêu cầu — {service} — đã được xử lý',
      body: 'Dịch vụ đã yêu cầu — {service} — đã được xử lý ({requestNumber}).[[ Biên nhận có chữ ký: {receiptUrl}]][[ Góp ý cho chúng tôi: {feedbackUrl}]]',
    },
    ru: {
      subject: 'Запрошенная услуга — {service} — выполнена',
      body: 'Запрошенная услуга — {service} — выполнена ({requestNumber}).[[ Подписанная квитанция: {receiptUrl}]][[ Оцените нашу работу: {feedbackUrl}]]',
    },
  }),
  'request-rejected': t('consumer', {}, ['requestNumber', 'service', 'reason'], {
    en: {
      subject: 'Request {requestNumber} could not be done',
      body: 'Your request for {service} ({requestNumber}) was rejected: {reason}.',
    },
    ml: {
      subject: 'അപേക്ഷ {requestNumber} നിരസിച്ചു',
      body: '{service} അപേക്ഷ ({requestNumber}) നിരസിച്ചു: {reason}.',
    },
    hi: {
      subject: 'अनुरोध {requestNumber} अस्वीकृत',
      body: '{service} के लिए आपका अनुरोध ({requestNumber}) अस्वीकृत हुआ: {reason}।',
    },
    vi: {
      subject: 'Yêu cầu {requestNumber} bị từ chối',
      body: 'Yêu cầu {service} ({requestNumber}) của bạn bị từ chối: {reason}.',
    },
    ru: {
      subject: 'Заявка {requestNumber} отклонена',
      body: 'Ваша заявка «{service}» ({requestNumber}) отклонена: {reason}.',
    },
  }),
  'request-abandoned': t('consumer', {}, ['requestNumber', 'service'], {
    en: {
      subject: 'Request {requestNumber} closed',
      body: 'Your request for {service} ({requestNumber}) is closed because the documents asked for did not arrive in time. You can apply again at any time.',
    },
    ml: {
      subject: 'അപേക്ഷ {requestNumber} അവസാനിപ്പിച്ചു',
      body: 'ആവശ്യപ്പെട്ട രേഖകൾ സമയത്ത് ലഭിക്കാത്തതിനാൽ {service} അപേക്ഷ ({requestNumber}) അവസാനിപ്പിച്ചു. എപ്പോൾ വേണമെങ്കിലും വീണ്ടും അപേക്ഷിക്കാം.',
    },
    hi: {
      subject: 'अनुरोध {requestNumber} बंद',
      body: 'माँगे गए दस्तावेज़ समय पर न मिलने से {service} अनुरोध ({requestNumber}) बंद कर दिया गया। आप कभी भी फिर आवेदन कर सकते हैं।',
    },
    vi: {
      subject: 'Yêu cầu {requestNumber} đã đóng',
      body: 'Yêu cầu {service} ({requestNumber}) đã đóng vì giấy tờ không đến kịp. Bạn có thể nộp lại bất cứ lúc nào.',
    },
    ru: {
      subject: 'Заявка {requestNumber} закрыта',
      body: 'Заявка «{service}» ({requestNumber}) закрыта: запрошенные документы не поступили вовремя. Вы можете подать её снова в любое время.',
    },
  }),
  'request-reopened': t(
    'staff',
    { urgent: true },
    ['requestNumber', 'service', 'rating', 'category', 'comment'],
    {
      en: {
        subject: 'Reopened after feedback: {requestNumber}',
        body: '{service} request {requestNumber} got feedback {rating}/5 ({category}) and is reopened to you.[[ Comment: {comment}]]',
      },
      ml: {
        subject: 'അഭിപ്രായത്തെ തുടർന്ന് വീണ്ടും തുറന്നു: {requestNumber}',
        body: '{service} അപേക്ഷ {requestNumber}-ന് {rating}/5 ({category}) അഭിപ്രായം ലഭിച്ചു, നിങ്ങൾക്കായി വീണ്ടും തുറന്നു.[[ അഭിപ്രായം: {comment}]]',
      },
      hi: {
        subject: 'प्रतिक्रिया के बाद फिर खोला: {requestNumber}',
        body: '{service} अनुरोध {requestNumber} को {rating}/5 ({category}) प्रतिक्रिया मिली और यह आपके लिए फिर खोला गया।[[ टिप्पणी: {comment}]]',
      },
      vi: {
        subject: 'Mở lại sau góp ý: {requestNumber}',
        body: 'Yêu cầu {service} {requestNumber} nhận góp ý {rating}/5 ({category}) và được mở lại cho bạn.[[ Nhận xét: {comment}]]',
      },
      ru: {
        subject: 'Открыта снова после отзыва: {requestNumber}',
        body: 'Заявка «{service}» {requestNumber} получила оценку {rating}/5 ({category}) и снова открыта для вас.[[ Комментарий: {comment}]]',
      },
    },
  ),
  'feedback-request': t('consumer', {}, ['requestNumber', 'feedbackUrl'], {
    en: {
      subject: 'How did we do with {requestNumber}?',
      body: 'Please rate how we handled request {requestNumber}: {feedbackUrl}',
    },
    ml: {
      subject: '{requestNumber} — ഞങ്ങളുടെ സേവനം എങ്ങനെ?',
      body: 'അപേക്ഷ {requestNumber} കൈകാര്യം ചെയ്തത് വിലയിരുത്തുക: {feedbackUrl}',
    },
    hi: {
      subject: '{requestNumber} — हमारी सेवा कैसी रही?',
      body: 'कृपया अनुरोध {requestNumber} पर हमारी सेवा को रेट करें: {feedbackUrl}',
    },
    vi: {
      subject: 'Chúng tôi xử lý {requestNumber} thế nào?',
      body: 'Vui lòng đánh giá cách chúng tôi xử lý yêu cầu {requestNumber}: {feedbackUrl}',
    },
    ru: {
      subject: 'Как мы справились с {requestNumber}?',
      body: 'Пожалуйста, оцените, как мы выполнили заявку {requestNumber}: {feedbackUrl}',
    },
  }),
  'complaint-registered': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'dueAt'], {
    en: {
      subject: 'Complaint {requestNumber} registered',
      body: 'Your complaint ({complaintType}) is registered as {requestNumber}. We aim to resolve it by {dueAt}.',
    },
    ml: {
      subject: 'പരാതി {requestNumber} രജിസ്റ്റർ ചെയ്തു',
      body: 'നിങ്ങളുടെ പരാതി ({complaintType}) {requestNumber} ആയി രജിസ്റ്റർ ചെയ്തു. {dueAt}-നകം പരിഹരിക്കാൻ ശ്രമിക്കും.',
    },
    hi: {
      subject: 'शिकायत {requestNumber} दर्ज',
      body: 'आपकी शिकायत ({complaintType}) {requestNumber} के रूप में दर्ज हुई। हम इसे {dueAt} तक सुलझाने का प्रयास करेंगे।',
    },
    vi: {
      subject: 'Đã ghi nhận khiếu nại {requestNumber}',
      body: 'Khiếu nại ({complaintType}) của bạn được ghi nhận với mã {requestNumber}. Chúng tôi sẽ xử lý trước {dueAt}.',
    },
    ru: {
      subject: 'Жалоба {requestNumber} зарегистрирована',
      body: 'Ваша жалоба ({complaintType}) зарегистрирована под номером {requestNumber}. Планируем решить до {dueAt}.',
    },
  }),
  'complaint-resolved': t('consumer', { urgent: true }, ['requestNumber', 'complaintType', 'confirmUrl'], {
    en: {
      subject: 'Complaint {requestNumber} resolved',
      body: 'Your complaint ({complaintType}, {requestNumber}) is resolved.[[ Not fixed? Tell us: {confirmUrl}]]',
    },
    ml: {
      subject: 'പരാതി {requestNumber} പരിഹരിച്ചു',
      body: 'നിങ്ങളുടെ പരാതി ({complaintType}, {requestNumber}) പരിഹരിച്ചു.[[ ശരിയായില്ലേ? അറിയിക്കുക: {confirmUrl}]]',
    },
    hi: {
      subject: 'शिकायत {requestNumber} हल हुई',
      body: 'आपकी शिकायत ({complaintType}, {requestNumber}) हल हो गई है।[[ ठीक नहीं हुआ? बताएँ: {confirmUrl}]]',
    },
    vi: {
      subject: 'Khiếu nại {requestNumber} đã được giải quyết',
      body: 'Khiếu nại ({complaintType}, {requestNumber}) của bạn đã được giải quyết.[[ Chưa khắc phục? Báo cho chúng tôi: {confirmUrl}]]',
    },
    ru: {
      subject: 'Жалоба {requestNumber} решена',
      body: 'Ваша жалоба ({complaintType}, {requestNumber}) решена.[[ Не исправлено? Сообщите нам: {confirmUrl}]]',
    },
  }),
  'complaint-linked-outage': t('consumer', { urgent: true }, ['requestNumber', 'area', 'etr'], {
    en: {
      subject: 'Complaint {requestNumber}: known outage',
      body: 'Your no-power complaint {requestNumber} is part of a known outage in {area}. Expected restoration: {etr}. We will tell you when power is back.',
    },
    ml: {
      subject: 'പരാതി {requestNumber}: അറിയപ്പെടുന്ന വൈദ്യുതി മുടക്കം',
      body: 'നിങ്ങളുടെ പരാതി {requestNumber} {area}-ലെ അറിയപ്പെടുന്ന വൈദ്യുതി മുടക്കത്തിന്റെ ഭാഗമാണ്. പ്രതീക്ഷിക്കുന്ന പുനഃസ്ഥാപന സമയം: {etr}. വൈദ്യുതി തിരികെ വരുമ്പോൾ അറിയിക്കും.',
    },
    hi: {
      subject: 'शिकायत {requestNumber}: ज्ञात बिजली कटौती',
      body: 'आपकी बिजली न होने की शिकायत {requestNumber} {area} की ज्ञात कटौती का हिस्सा है। बहाली का अनुमानित समय: {etr}। बिजली लौटने पर हम आपको बताएँगे।',
    },
    vi: {
      subject: 'Khiếu nại {requestNumber}: sự cố mất điện đã biết',
      body: 'Khiếu nại mất điện {requestNumber} của bạn thuộc sự cố mất điện đã biết tại {area}. Dự kiến có điện lại: {etr}. Chúng tôi sẽ báo khi có điện trở lại.',
    },
    ru: {
      subject: 'Жалоба {requestNumber}: известное отключение',
      body: 'Ваша жалоба {requestNumber} об отсутствии электричества относится к известному отключению в районе {area}. Ожидаемое восстановление: {etr}. Мы сообщим, когда электричество вернётся.',
    },
  }),
  'complaint-power-restored': t('consumer', { urgent: true }, ['requestNumber', 'area'], {
    en: {
      subject: 'Power restored in {area}',
      body: 'Power is restored in {area}; complaint {requestNumber} is resolved. If you still have no power, report it again and we will send a crew.',
    },
    ml: {
      subject: '{area}-ൽ വൈദ്യുതി പുനഃസ്ഥാപിച്ചു',
      body: '{area}-ൽ വൈദ്യുതി പുനഃസ്ഥാപിച്ചു; പരാതി {requestNumber} പരിഹരിച്ചു. ഇപ്പോഴും വൈദ്യുതി ഇല്ലെങ്കിൽ വീണ്ടും അറിയിക്കുക, ഞങ്ങൾ ജീവനക്കാരെ അയയ്ക്കും.',
    },
    hi: {
      subject: '{area} में बिजली बहाल',
      body: '{area} में बिजली बहाल हो गई है; शिकायत {requestNumber} हल हुई। अगर अब भी बिजली नहीं है, तो फिर से शिकायत करें, हम टीम भेजेंगे।',
    },
    vi: {
      subject: 'Đã có điện lại tại {area}',
      body: 'Khu vực {area} đã có điện trở lại; khiếu nại {requestNumber} đã được giải quyết. Nếu nhà bạn vẫn mất điện, hãy báo lại, chúng tôi sẽ cử đội kỹ thuật.',
    },
    ru: {
      subject: 'Электричество восстановлено: {area}',
      body: 'Электроснабжение в районе {area} восстановлено; жалоба {requestNumber} решена. Если у вас всё ещё нет света, сообщите снова — мы отправим бригаду.',
    },
  }),
  'emergency-alert': t(
    'staff',
    { mandatory: true, urgent: true },
    ['requestNumber', 'location', 'reportedAt'],
    {
      en: {
        subject: 'EMERGENCY {requestNumber}',
        body: 'Electrical accident reported at {location} ({reportedAt}), complaint {requestNumber}. Acknowledge and act now.',
      },
      ml: {
        subject: 'അടിയന്തരം {requestNumber}',
        body: '{location}-ൽ വൈദ്യുത അപകടം റിപ്പോർട്ട് ചെയ്തു ({reportedAt}), പരാതി {requestNumber}. ഉടൻ സ്ഥിരീകരിച്ച് നടപടിയെടുക്കുക.',
      },
      hi: {
        subject: 'आपातकाल {requestNumber}',
        body: '{location} पर विद्युत दुर्घटना की सूचना ({reportedAt}), शिकायत {requestNumber}। तुरंत पुष्टि कर कार्रवाई करें।',
      },
      vi: {
        subject: 'KHẨN CẤP {requestNumber}',
        body: 'Báo cáo tai nạn điện tại {location} ({reportedAt}), khiếu nại {requestNumber}. Xác nhận và xử lý ngay.',
      },
      ru: {
        subject: 'АВАРИЯ {requestNumber}',
        body: 'Сообщение о несчастном случае с электричеством: {location} ({reportedAt}), жалоба {requestNumber}. Подтвердите и действуйте немедленно.',
      },
    },
  ),
  'emergency-alert-site': t(
    'staff',
    { mandatory: true, urgent: true },
    ['requestNumber', 'consumer', 'address', 'supply', 'reported', 'channel', 'reportedAt'],
    {
      en: {
        subject: 'EMERGENCY {requestNumber}: electrical accident',
        body: 'Electrical accident at {address} (consumer {consumer}; {supply}). Reported by {channel} at {reportedAt}: {reported}. Complaint {requestNumber}. Acknowledge and act now.',
      },
      ml: {
        subject: 'അടിയന്തരം {requestNumber}: വൈദ്യുത അപകടം',
        body: '{address}-ൽ വൈദ്യുത അപകടം (ഉപഭോക്താവ് {consumer}; {supply}). {channel} വഴി {reportedAt}-ന് റിപ്പോർട്ട് ചെയ്തു: {reported}. പരാതി {requestNumber}. ഉടൻ സ്ഥിരീകരിച്ച് നടപടിയെടുക്കുക.',
      },
      hi: {
        subject: 'आपातकाल {requestNumber}: विद्युत दुर्घटना',
        body: '{address} पर विद्युत दुर्घटना (उपभोक्ता {consumer}; {supply})। {channel} से {reportedAt} पर सूचना: {reported}। शिकायत {requestNumber}। तुरंत पुष्टि कर कार्रवाई करें।',
      },
      vi: {
        subject: 'KHẨN CẤP {requestNumber}: tai nạn điện',
        body: 'Tai nạn điện tại {address} (khách hàng {consumer}; {supply}). Báo qua {channel} lúc {reportedAt}: {reported}. Khiếu nại {requestNumber}. Xác nhận và xử lý ngay.',
      },
      ru: {
        subject: 'АВАРИЯ {requestNumber}: несчастный случай',
        body: 'Несчастный случай с электричеством: {address} (потребитель {consumer}; {supply}). Сообщено через {channel} в {reportedAt}: {reported}. Жалоба {requestNumber}. Подтвердите и действуйте немедленно.',
      },
    },
  ),
  'emergency-realert': t(
    'staff',
    { mandatory: true, urgent: true },
    [
      'requestNumber',
      'consumer',
      'address',
      'supply',
      'reported',
      'channel',
      'reportedAt',
      'waiting',
      'alert',
      'alerted',
    ],
    {
      en: {
        subject: 'RE-ALERT {alert} — EMERGENCY {requestNumber} STILL UNACKNOWLEDGED',
        body: 'STILL NOBODY HAS ACKNOWLEDGED this electrical accident after {waiting} minutes (alert {alert}; already alerted: {alerted}). At {address} (consumer {consumer}; {supply}), reported by {channel} at {reportedAt}: {reported}. Complaint {requestNumber}. Acknowledge and act now.',
      },
      ml: {
        subject: 'വീണ്ടും മുന്നറിയിപ്പ് {alert} — അടിയന്തരം {requestNumber} ഇതുവരെ സ്ഥിരീകരിച്ചിട്ടില്ല',
        body: '{waiting} മിനിറ്റായിട്ടും ഈ വൈദ്യുത അപകടം ആരും സ്ഥിരീകരിച്ചിട്ടില്ല (മുന്നറിയിപ്പ് {alert}; ഇതിനകം അറിയിച്ചത്: {alerted}). {address} (ഉപഭോക്താവ് {consumer}; {supply}), {channel} വഴി {reportedAt}-ന്: {reported}. പരാതി {requestNumber}. ഉടൻ സ്ഥിരീകരിച്ച് നടപടിയെടുക്കുക.',
      },
      hi: {
        subject: 'पुनः चेतावनी {alert} — आपातकाल {requestNumber} अब तक अपुष्ट',
        body: '{waiting} मिनट बाद भी इस विद्युत दुर्घटना की किसी ने पुष्टि नहीं की (चेतावनी {alert}; पहले सूचित: {alerted})। {address} (उपभोक्ता {consumer}; {supply}), {channel} से {reportedAt} पर: {reported}। शिकायत {requestNumber}। तुरंत पुष्टि कर कार्रवाई करें।',
      },
      vi: {
        subject: 'CẢNH BÁO LẠI {alert} — KHẨN CẤP {requestNumber} CHƯA AI XÁC NHẬN',
        body: 'Sau {waiting} phút vẫn chưa ai xác nhận tai nạn điện này (lần {alert}; đã báo: {alerted}). Tại {address} (khách hàng {consumer}; {supply}), báo qua {channel} lúc {reportedAt}: {reported}. Khiếu nại {requestNumber}. Xác nhận và xử lý ngay.',
      },
      ru: {
        subject: 'ПОВТОР {alert} — АВАРИЯ {requestNumber} ВСЁ ЕЩЁ НЕ ПОДТВЕРЖДЕНА',
        body: 'Уже {waiting} мин никто не подтвердил этот несчастный случай (оповещение {alert}; уже оповещены: {alerted}). {address} (потребитель {consumer}; {supply}), сообщено через {channel} в {reportedAt}: {reported}. Жалоба {requestNumber}. Подтвердите и действуйте немедленно.',
      },
    },
  ),
  'emergency-acknowledged': t('staff', { urgent: true }, ['requestNumber', 'by', 'note'], {
    en: {
      subject: 'Acknowledged: emergency {requestNumber}',
      body: '{by} has acknowledged emergency {requestNumber} and is acting on it.[[ Note: {note}]]',
    },
    ml: {
      subject: 'സ്ഥിരീകരിച്ചു: അടിയന്തരം {requestNumber}',
      body: '{by} അടിയന്തരം {requestNumber} സ്ഥിരീകരിച്ച് നടപടിയെടുക്കുന്നു.[[ കുറിപ്പ്: {note}]]',
    },
    hi: {
      subject: 'पुष्टि: आपातकाल {requestNumber}',
      body: '{by} ने आपातकाल {requestNumber} की पुष्टि की है और कार्रवाई कर रहे हैं।[[ टिप्पणी: {note}]]',
    },
    vi: {
      subject: 'Đã xác nhận: khẩn cấp {requestNumber}',
      body: '{by} đã xác nhận khẩn cấp {requestNumber} và đang xử lý.[[ Ghi chú: {note}]]',
    },
    ru: {
      subject: 'Подтверждено: авария {requestNumber}',
      body: '{by} подтвердил аварию {requestNumber} и принимает меры.[[ Примечание: {note}]]',
    },
  }),
  'outage-planned': t('consumer', { mandatory: true }, ['area', 'start', 'end'], {
    en: {
      subject: 'Planned power outage',
      body: 'Planned maintenance: power will be off in {area} from {start} to {end}.',
    },
    ml: {
      subject: 'ആസൂത്രിത വൈദ്യുതി മുടക്കം',
      body: 'അറ്റകുറ്റപ്പണി: {area}-ൽ {start} മുതൽ {end} വരെ വൈദ്യുതി മുടങ്ങും.',
    },
    hi: {
      subject: 'नियोजित बिजली कटौती',
      body: 'रखरखाव: {area} में {start} से {end} तक बिजली बंद रहेगी।',
    },
    vi: {
      subject: 'Lịch cắt điện theo kế hoạch',
      body: 'Bảo trì theo kế hoạch: khu vực {area} sẽ mất điện từ {start} đến {end}.',
    },
    ru: {
      subject: 'Плановое отключение электроэнергии',
      body: 'Плановые работы: электричество в районе {area} будет отключено с {start} до {end}.',
    },
  }),
  'outage-emergency': t('consumer', { mandatory: true, urgent: true }, ['area', 'etr'], {
    en: {
      subject: 'Power outage in {area}',
      body: 'There is an unplanned power outage in {area}. Expected restoration: {etr}.',
    },
    ml: {
      subject: '{area}-ൽ വൈദ്യുതി മുടക്കം',
      body: '{area}-ൽ അപ്രതീക്ഷിത വൈദ്യുതി മുടക്കം. പ്രതീക്ഷിക്കുന്ന പുനഃസ്ഥാപന സമയം: {etr}.',
    },
    hi: {
      subject: '{area} में बिजली बाधित',
      body: '{area} में अनियोजित बिजली कटौती है। बहाली का अनुमानित समय: {etr}।',
    },
    vi: {
      subject: 'Mất điện tại {area}',
      body: 'Khu vực {area} đang mất điện đột xuất. Dự kiến có điện lại: {etr}.',
    },
    ru: {
      subject: 'Отключение электроэнергии: {area}',
      body: 'В районе {area} внеплановое отключение электроэнергии. Ожидаемое восстановление: {etr}.',
    },
  }),
  'outage-etr-changed': t('consumer', { mandatory: true, urgent: true }, ['area', 'etr'], {
    en: {
      subject: 'New restoration time for {area}',
      body: 'Update on the outage in {area}: power is now expected back by {etr}.',
    },
    ml: {
      subject: '{area}: പുതിയ പുനഃസ്ഥാപന സമയം',
      body: '{area}-ലെ വൈദ്യുതി മുടക്കം: {etr}-നകം വൈദ്യുതി തിരികെ പ്രതീക്ഷിക്കുന്നു.',
    },
    hi: {
      subject: '{area} के लिए नया बहाली समय',
      body: '{area} में कटौती पर अद्यतन: बिजली अब {etr} तक लौटने की उम्मीद है।',
    },
    vi: {
      subject: 'Thời gian có điện lại mới cho {area}',
      body: 'Cập nhật sự cố tại {area}: dự kiến có điện lại trước {etr}.',
    },
    ru: {
      subject: 'Новое время восстановления: {area}',
      body: 'Обновление по отключению в районе {area}: электричество ожидается к {etr}.',
    },
  }),
  'outage-restored': t('consumer', { mandatory: true }, ['area'], {
    en: {
      subject: 'Power restored in {area}',
      body: 'Power is restored in {area}. Thank you for your patience.',
    },
    ml: {
      subject: '{area}-ൽ വൈദ്യുതി പുനഃസ്ഥാപിച്ചു',
      body: '{area}-ൽ വൈദ്യുതി പുനഃസ്ഥാപിച്ചു. ക്ഷമയ്ക്ക് നന്ദി.',
    },
    hi: { subject: '{area} में बिजली बहाल', body: '{area} में बिजली बहाल हो गई है। धैर्य के लिए धन्यवाद।' },
    vi: {
      subject: 'Đã có điện lại tại {area}',
      body: 'Khu vực {area} đã có điện trở lại. Cảm ơn bạn đã kiên nhẫn.',
    },
    ru: {
      subject: 'Электричество восстановлено: {area}',
      body: 'Электроснабжение в районе {area} восстановлено. Спасибо за терпение.',
    },
  }),
  'disconnection-reminder': t('consumer', { mandatory: true }, ['consumerNumber', 'amount', 'date'], {
    en: {
      subject: 'Disconnection notice for {consumerNumber}',
      body: 'Rs {amount} is due on consumer number {consumerNumber}. Please pay before {date} to avoid disconnection.',
    },
    ml: {
      subject: '{consumerNumber}: വിച്ഛേദന അറിയിപ്പ്',
      body: 'കൺസ്യൂമർ നമ്പർ {consumerNumber}-ൽ Rs {amount} കുടിശ്ശികയുണ്ട്. വിച്ഛേദനം ഒഴിവാക്കാൻ {date}-ന് മുമ്പ് അടയ്ക്കുക.',
    },
    hi: {
      subject: '{consumerNumber}: विच्छेदन सूचना',
      body: 'उपभोक्ता संख्या {consumerNumber} पर Rs {amount} बकाया है। कनेक्शन कटने से बचने के लिए {date} से पहले भुगतान करें।',
    },
    vi: {
      subject: 'Thông báo cắt điện cho {consumerNumber}',
      body: 'Mã khách hàng {consumerNumber} còn nợ Rs {amount}. Vui lòng thanh toán trước {date} để tránh bị cắt điện.',
    },
    ru: {
      subject: 'Уведомление об отключении: {consumerNumber}',
      body: 'По лицевому счёту {consumerNumber} задолженность Rs {amount}. Оплатите до {date}, чтобы избежать отключения.',
    },
  }),
  'payment-posted': t('consumer', {}, ['consumerNumber', 'amount', 'receiptNumber'], {
    en: {
      subject: 'Payment received',
      body: 'We received Rs {amount} for consumer number {consumerNumber}. Receipt {receiptNumber}. Thank you.',
    },
    ml: {
      subject: 'പണം ലഭിച്ചു',
      body: 'കൺസ്യൂമർ നമ്പർ {consumerNumber}-ന് Rs {amount} ലഭിച്ചു. രസീത് {receiptNumber}. നന്ദി.',
    },
    hi: {
      subject: 'भुगतान प्राप्त',
      body: 'उपभोक्ता संख्या {consumerNumber} के लिए Rs {amount} प्राप्त हुए। रसीद {receiptNumber}। धन्यवाद।',
    },
    vi: {
      subject: 'Đã nhận thanh toán',
      body: 'Chúng tôi đã nhận Rs {amount} cho mã khách hàng {consumerNumber}. Biên nhận {receiptNumber}. Xin cảm ơn.',
    },
    ru: {
      subject: 'Платёж получен',
      body: 'Получено Rs {amount} по лицевому счёту {consumerNumber}. Квитанция {receiptNumber}. Спасибо.',
    },
  }),
} as const satisfies Record<string, TNoticeTemplate>;

export type TTemplateId = keyof typeof NOTICE_TEMPLATES;
export const TEMPLATE_IDS = Object.keys(NOTICE_TEMPLATES) as TTemplateId[];
export const isTemplateId = (v: unknown): v is TTemplateId =>
  typeof v === 'string' && Object.hasOwn(NOTICE_TEMPLATES, v);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Dates travel as ISO instants; people read them in their language, Indian time. */
export function formatParam(value: string, language: TLanguage): string {
  if (!ISO_INSTANT.test(value)) return value;
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Kolkata',
  }).format(new Date(value));
}

export type TRenderedNotice = { subject: string; body: string; language: TLanguage };

/** Renders a template; missing parameters drop their `[[ … ]]` section, or render empty outside one. */
export function renderNotice(
  templateId: TTemplateId,
  language: TLanguage,
  params: Record<string, string | undefined>,
): TRenderedNotice {
  const text = NOTICE_TEMPLATES[templateId].text[language];
  const fill = (s: string) =>
    s
      .replace(/\[\[([^\]]*)\]\]/g, (_, section: string) =>
        [...section.matchAll(/\{(\w+)\}/g)].every(([, name]) => params[name!]) ? section : '',
      )
      .replace(/\{(\w+)\}/g, (_, name: string) => formatParam(params[name] ?? '', language))
      .trim();
  return { subject: fill(text.subject), body: fill(text.body), language };
}

// ---- SMS length ----

// GSM 03.38 basic character set, and the extension table (each costs two septets).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export type TSmsLength = { encoding: 'GSM-7' | 'UCS-2'; units: number; segments: number };

/** How an SMS is encoded and how many segments it takes (160/153 septets, or 70/67 UCS-2 units). */
export function smsLength(text: string): TSmsLength {
  let septets = 0;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      const units = text.length; // UTF-16 code units
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
