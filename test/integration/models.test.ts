import { expect } from 'chai';
import { Department, DictionaryEntry, InspectionItem, Inspector, MarketEntity, AppMeta } from '../../models/index.js';
import { createEntity, createInspector, entityFields } from '../helpers/factories.js';

describe('model indexes and validation', () => {
  it('MarketEntity: the credit code is unique', async () => {
    const first = await createEntity();
    const error = await createEntity({ creditCode: first.creditCode }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).to.equal(11000);
    expect(await MarketEntity.countDocuments()).to.equal(1);
  });

  it('MarketEntity: a code with a wrong check digit is refused with a Chinese field message', async () => {
    const fields = entityFields({ creditCode: '91350100M000100Y44' });
    const error = await new MarketEntity(fields).save().catch((e: unknown) => e);
    expect((error as { errors: Record<string, { message: string }> }).errors.creditCode?.message).to.equal('credit_code.check_digit');
    expect(await MarketEntity.countDocuments()).to.equal(0);
  });

  it('MarketEntity: unknown types and statuses are refused', async () => {
    const error = await new MarketEntity(entityFields({ type: '公司', status: '停业' })).save().catch((e: unknown) => e);
    expect(Object.keys((error as { errors: object }).errors)).to.have.members(['type', 'status']);
  });

  it('Inspector: the inspector id is unique', async () => {
    const first = await createInspector();
    const error = await createInspector({ inspectorId: first.inspectorId }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).to.equal(11000);
  });

  it('Department, InspectionItem, DictionaryEntry and AppMeta: natural keys are unique', async () => {
    await Department.create({ code: 'D1', name: '一', level: '县' });
    await InspectionItem.create({ code: 'A01', name: '一', departmentCode: 'D1', kind: '一般' });
    await DictionaryEntry.create({ dictionary: 'follow_up', code: 'F01', label: '一', order: 0 });
    await AppMeta.create({ key: 'k' });
    const attempts = await Promise.all([
      Department.create({ code: 'D1', name: '二', level: '县' }).catch((e: unknown) => e),
      InspectionItem.create({ code: 'A01', name: '二', departmentCode: 'D1', kind: '一般' }).catch((e: unknown) => e),
      DictionaryEntry.create({ dictionary: 'follow_up', code: 'F01', label: '二', order: 1 }).catch((e: unknown) => e),
      AppMeta.create({ key: 'k' }).catch((e: unknown) => e),
    ]);
    expect(attempts.map((e) => (e as { code?: number }).code)).to.deep.equal([11000, 11000, 11000, 11000]);
    // The same code in another dictionary is a different entry.
    await DictionaryEntry.create({ dictionary: 'result_category', code: 'F01', label: '三', order: 0 });
  });
});
