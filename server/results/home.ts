// Owns what the public home page shows besides the roster figures: the newest plan and task
// announcements and published results, and the publication figures. Everything comes through
// the public definitions (PUBLISHED_FILTER, published plan versions, announced tasks); the page
// is served through publicCache(), so these reads happen once per publication, not per view.
import { Plan } from '../../models/plan.js';
import { latestTaskAnnouncements, PUBLISHED_PLAN_FILTER, publishedPlans } from './announcements.js';
import { countPublishedResults, latestResults } from './search.js';

export const HOME_LATEST = 5;

export async function homeOverview(timeZone: string) {
  const [plans, tasks, results, resultCount, planVersions] = await Promise.all([
    publishedPlans(), latestTaskAnnouncements(HOME_LATEST), latestResults(HOME_LATEST, timeZone), countPublishedResults(),
    Plan.countDocuments(PUBLISHED_PLAN_FILTER),
  ]);
  return {
    plans: plans.slice(0, HOME_LATEST).map((p) => p.plan), tasks, results,
    figures: { results: resultCount, plans: plans.length, planVersions },
  };
}
