// Owns the public home page: what the platform is and the size of its rosters.
import mongoose from 'mongoose';
import { Router } from 'express';
import { InspectionItem, Inspector, MarketEntity, DRAWABLE_STATUS } from '../../models/index.js';

export function homeRouter(): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [entities, drawable, inspectors, items] = await Promise.all([
      MarketEntity.countDocuments(),
      MarketEntity.countDocuments({ status: DRAWABLE_STATUS, active: mongoose.trusted({ $ne: false }) }),
      Inspector.countDocuments({ status: '有效' }),
      InspectionItem.countDocuments({ active: true }),
    ]);
    res.render('public/home', { stats: { entities, drawable, inspectors, items } });
  });
  return router;
}
