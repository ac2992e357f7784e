import { expect } from 'chai';
import { FieldErrors } from '../common/domain-error.ts';
import { readEmail, readFullName, readPassword, readPhone, readUsername } from './user-validation.ts';

// Each case: a body, the value read (undefined when refused) and the fields in error.
const cases: {
  what: string;
  read: (body: Record<string, unknown>, errors: FieldErrors) => unknown;
  body: Record<string, unknown>;
  value: unknown;
  errors: string[];
}[] = [
  {
    what: 'username lower-cased',
    read: (b, e) => readUsername(b, e),
    body: { username: ' Nguyen.An ' },
    value: 'nguyen.an',
    errors: [],
  },
  {
    what: 'username too short',
    read: (b, e) => readUsername(b, e),
    body: { username: 'ab' },
    value: undefined,
    errors: ['username'],
  },
  {
    what: 'username with diacritics',
    read: (b, e) => readUsername(b, e),
    body: { username: 'nguyễn' },
    value: undefined,
    errors: ['username'],
  },
  { what: 'username missing', read: (b, e) => readUsername(b, e), body: {}, value: undefined, errors: ['username'] },
  {
    what: 'password of 10 characters',
    read: (b, e) => readPassword(b, 'password', e, 'an'),
    body: { password: 'ten chars!' },
    value: 'ten chars!',
    errors: [],
  },
  {
    what: 'password of 9 characters',
    read: (b, e) => readPassword(b, 'password', e, 'an'),
    body: { password: 'nine char' },
    value: undefined,
    errors: ['password'],
  },
  {
    what: 'well-known password',
    read: (b, e) => readPassword(b, 'password', e, 'x'),
    body: { password: '1234567890' },
    value: undefined,
    errors: ['password'],
  },
  {
    what: 'one repeated character',
    read: (b, e) => readPassword(b, 'password', e, 'x'),
    body: { password: 'aaaaaaaaaaaa' },
    value: undefined,
    errors: ['password'],
  },
  {
    what: 'password containing the username',
    read: (b, e) => readPassword(b, 'password', e, 'hoa'),
    body: { password: 'my-HOA-password' },
    value: undefined,
    errors: ['password'],
  },
  {
    what: 'password not a string',
    read: (b, e) => readPassword(b, 'password', e, 'x'),
    body: { password: 1234567890123 },
    value: undefined,
    errors: ['password'],
  },
  {
    what: 'Vietnamese full name',
    read: (b, e) => readFullName(b, e),
    body: { fullName: 'Nguyễn Thị Ánh Tuyết' },
    value: 'Nguyễn Thị Ánh Tuyết',
    errors: [],
  },
  {
    what: 'full name with digits',
    read: (b, e) => readFullName(b, e),
    body: { fullName: 'R2D2' },
    value: undefined,
    errors: ['fullName'],
  },
  {
    what: 'mobile phone',
    read: (b, e) => readPhone(b, e),
    body: { phone: '0912 345 678' },
    value: '0912345678',
    errors: [],
  },
  {
    what: 'mobile phone in +84 form',
    read: (b, e) => readPhone(b, e),
    body: { phone: '+84-912-345-678' },
    value: '0912345678',
    errors: [],
  },
  {
    what: 'landline',
    read: (b, e) => readPhone(b, e),
    body: { phone: '02223 812 345' },
    value: '02223812345',
    errors: [],
  },
  {
    what: 'phone with a wrong prefix',
    read: (b, e) => readPhone(b, e),
    body: { phone: '0112345678' },
    value: undefined,
    errors: ['phone'],
  },
  {
    what: 'phone too short',
    read: (b, e) => readPhone(b, e),
    body: { phone: '091234567' },
    value: undefined,
    errors: ['phone'],
  },
  { what: 'optional phone absent', read: (b, e) => readPhone(b, e, false), body: {}, value: undefined, errors: [] },
  {
    what: 'e-mail lower-cased',
    read: (b, e) => readEmail(b, e),
    body: { email: 'An@Example.VN' },
    value: 'an@example.vn',
    errors: [],
  },
  {
    what: 'e-mail without a domain',
    read: (b, e) => readEmail(b, e),
    body: { email: 'an@' },
    value: undefined,
    errors: ['email'],
  },
];

describe('user input validation', () => {
  for (const { what, read, body, value, errors } of cases) {
    it(`${what}: ${errors.length ? `refused (${errors.join(', ')})` : 'accepted'}`, () => {
      const found = new FieldErrors();
      expect(read(body, found)).to.equal(value);
      expect(found.errors.map((error) => error.field)).to.deep.equal(errors);
      for (const error of found.errors) expect(error.message).to.match(/^.+ \/ .+$/);
    });
  }
});
