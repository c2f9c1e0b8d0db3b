import { Body, Container, Head, Heading, Html, Link, Preview, Section, Text } from '@react-email/components';

export type NoticeEmailProps = { issuer: string; subject: string; body: string; lang: string };

const URL_PATTERN = /(https?:\/\/[^\s]+)/g;

/** One layout for every notice: the rendered template text, with its links made clickable. */
export function NoticeEmail({ issuer, subject, body, lang }: NoticeEmailProps) {
  const parts = body.split(URL_PATTERN);
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{subject}</Preview>
      <Body style={{ backgroundColor: '#f4f5f7', fontFamily: 'Arial, sans-serif' }}>
        <Container style={{ backgroundColor: '#ffffff', padding: '24px', maxWidth: '560px' }}>
          <Text style={{ color: '#555', fontSize: '13px', margin: 0 }}>{issuer}</Text>
          <Heading as="h1" style={{ fontSize: '20px' }}>
            {subject}
          </Heading>
          <Section>
            <Text style={{ fontSize: '15px', lineHeight: '22px' }}>
              {parts.map((part, i) =>
                /^https?:\/\//.test(part) ? (
                  <Link key={i} href={part}>
                    {part}
                  </Link>
                ) : (
                  part
                ),
              )}
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
