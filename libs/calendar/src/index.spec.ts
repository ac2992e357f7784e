import { expect } from 'chai';

import { WorkingCalendar, formatDateVi } from '@motcua/calendar';

describe('@motcua/calendar', () => {
  it('is importable by its workspace name, as apps import it', () => {
    // given
    const calendar = new WorkingCalendar();

    // when
    const due = calendar.dueDate({ receivedAt: new Date('2026-01-05T09:00:00+07:00'), duration: { workingDays: 3 } });

    // then
    expect(formatDateVi(due, { time: true, weekday: true })).to.equal('17:00 Thứ Năm, ngày 08/01/2026');
  });
});
