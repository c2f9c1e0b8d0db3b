import { describe, expect, it } from 'vitest';
import { complaintReply, findConsumerNumber, guessComplaintType } from '../domain/channel-replies';

describe('reading e-mails', () => {
  it('finds a 13-digit consumer number standing on its own', () => {
    expect(findConsumerNumber('Re: no power, consumer no. 1154600000001 (Pattom)')).toBe('1154600000001');
    expect(findConsumerNumber('call me on 911546000000012')).toBeUndefined(); // 15 digits: a phone, not ours
    expect(findConsumerNumber('nothing here')).toBeUndefined();
  });

  it('reads the kind of complaint from the words, falling back to "other"', () => {
    expect(guessComplaintType('There is NO POWER in our house')).toBe('no-power');
    expect(guessComplaintType('A cow got a shock from the stay wire')).toBe('electrical-accident');
    expect(guessComplaintType('Lights are dim every evening')).toBe('low-voltage');
    expect(guessComplaintType('The pole in front of house 4 is leaning')).toBe('line-damage');
    expect(guessComplaintType('My meter display is blank')).toBe('meter-defective');
    expect(guessComplaintType('This month the bill is three times higher')).toBe('billing-dispute');
    expect(guessComplaintType('Please call me back')).toBe('other');
  });
});

describe('complaint replies', () => {
  const base = { requestNumber: 'CR-2026-000001-4', typeName: 'No power (individual)', status: 'open' };
  it('gives the ETR in Indian time when an outage explains the complaint', () => {
    const text = complaintReply({
      ...base,
      joined: false,
      dueAt: null,
      outage: { area: 'DTR 1 (Pattom)', etr: '2026-11-23T13:00:00Z' },
    });
    expect(text).toContain('known outage in DTR 1 (Pattom)');
    expect(text).toContain('6:30'); // 13:00 UTC is 18:30 IST
  });
  it('tells a repeat reporter the existing number', () => {
    expect(complaintReply({ ...base, joined: true, dueAt: null, outage: null })).toMatch(
      /already reported .* CR-2026-000001-4 is open/,
    );
  });
});
